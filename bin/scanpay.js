#!/usr/bin/env node
// The `scanpay` command. The sources are TypeScript run by Node 24's built-in type stripping, so the
// pinned Node (devDependency `node@24`, first on PATH inside npm scripts) is required.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(
    `scanpay needs Node 24 (this is Node ${process.versions.node}). Run it through npm, which uses the pinned one: npm run scanpay -- <command>`,
  );
  process.exit(1);
}
await import('../core/cli/main.ts');
