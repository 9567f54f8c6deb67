/** Shown while nobody is signed in: one button that starts the identity provider's login. */
export function LoginPage({ onLogin, reason }: { onLogin(): void; reason?: string }) {
  return (
    <section className="login" aria-labelledby="login-title">
      <h1 id="login-title">Sign in</h1>
      {reason && <p role="alert">{reason}</p>}
      <p>Sign in with your organisation's account to see the MCP servers and tools you may use.</p>
      <button type="button" onClick={onLogin} autoFocus>
        Log in
      </button>
    </section>
  );
}
