// Minimal types for the parts of dcmjs this package uses (dcmjs ships none): reading a Part 10
// file back in tests, to check the files with a second, independent parser.
declare module 'dcmjs' {
  interface DicomDict {
    meta: Record<string, unknown>;
    dict: Record<string, unknown>;
  }
  const dcmjs: {
    data: {
      DicomMessage: { readFile(buffer: ArrayBuffer, options?: { ignoreErrors?: boolean }): DicomDict };
      DicomMetaDictionary: {
        naturalizeDataset(dict: Record<string, unknown>): Record<string, unknown>;
      };
    };
    log: { setLevel?(level: string): void; level?: unknown };
  };
  export default dcmjs;
}
