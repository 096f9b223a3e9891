/** A problem in an input file; the message starts with `file:line:column` when those are known. */
export class DataError extends Error {
  constructor(
    readonly file: string,
    readonly detail: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    const where =
      line === undefined ? file : `${file}:${line}${column === undefined ? '' : `:${column}`}`;
    super(`${where}: ${detail}`);
    this.name = 'DataError';
  }
}
