#!/usr/bin/env node
// Validates a Prisma schema with Prisma's own schema engine (wasm, works offline) and prints
// its DMMF as JSON, so tests in other languages can compare it with what they create.
// Usage: node dmmf.js path/to/schema.prisma   (exit 1 and the engine's message when invalid)
"use strict";

const fs = require("node:fs");
const wasm = require("@prisma/prisma-schema-wasm");

function main(argv) {
  if (argv.length !== 1) {
    process.stderr.write("usage: node dmmf.js path/to/schema.prisma\n");
    return 2;
  }
  const text = fs.readFileSync(argv[0], "utf8");
  const params = JSON.stringify({ prismaSchema: [["schema.prisma", text]], noColor: true });
  try {
    wasm.validate(params);
    process.stdout.write(wasm.get_dmmf(params));
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  return 0;
}

process.exitCode = main(process.argv.slice(2));
