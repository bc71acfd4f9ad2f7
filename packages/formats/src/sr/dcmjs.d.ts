// dcmjs ships no types. This shorthand declaration lets the package compile on its own; the
// typed surface it uses is `DcmjsData` in dcmjs-data.ts.
declare module 'dcmjs';
