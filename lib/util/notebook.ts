/**
 * Whether this process is a tslab notebook kernel (`tslab kernel --config-path ...`, the command in
 * the kernel.json that scripts/setup.mjs registers). tslab runs the cells in the kernel's own process,
 * so its command line says where the library is running. Used to send progress lines to stdout in a
 * notebook (Jupyter styles stderr as an error) and to stderr in a terminal.
 */
export function inNotebookKernel(argv: readonly string[] = process.argv): boolean {
  const script = (argv[1] ?? '').replace(/\\/g, '/');
  return /(^|\/)tslab(\.js)?$/.test(script) && argv.slice(2).includes('kernel');
}
