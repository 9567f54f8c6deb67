/** A small history router: the app has four pages, so a dependency would be more than the job. */
import { useEffect, useState, type AnchorHTMLAttributes, type MouseEvent } from 'react';

/** The app's base URL (from the `<base href>` the gateway adds), e.g. `http://host/ui/`. */
export const baseUrl = new URL('.', document.baseURI).href;

/** The current path relative to the base, without a leading slash: `tools`, `audit`, ``. */
export function currentPath(): string {
  const here = window.location.href.split(/[?#]/)[0] ?? '';
  return here.startsWith(baseUrl) ? here.slice(baseUrl.length).replace(/\/$/, '') : '';
}

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  const url = baseUrl + path.replace(/^\//, '');
  if (options.replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export function usePath(): string {
  const [path, setPath] = useState(currentPath);
  useEffect(() => {
    const update = () => setPath(currentPath());
    window.addEventListener('popstate', update);
    return () => window.removeEventListener('popstate', update);
  }, []);
  return path;
}

export function Link({ to, ...rest }: { to: string } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return <a href={baseUrl + to} onClick={onClick} {...rest} />;
}
