#!/usr/bin/env node
// The `tandem` command. Sources are TypeScript run through tsx's loader, so there is no
// separate build step to forget; `npm start` and CI run exactly what is in the tree.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv);
