#!/usr/bin/env node
/** `mcp-gateway`: the command-line entry point (the package's `bin`); the commands live in ./cli/. */
import { main } from './cli/index.js';

const code = await main();
if (code !== undefined) process.exit(code);
