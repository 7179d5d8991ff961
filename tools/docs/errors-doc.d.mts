// Types of errors-doc.mjs, for tools/test/errors-doc.spec.ts.

export declare const ERRORS_DOC: string;

export interface ErrorsDocSection {
  readonly title: string;
  readonly file: string;
  readonly list: string;
  readonly meaning: string;
}

export declare const SECTIONS: readonly ErrorsDocSection[];
export declare function readList(file: string, name: string): (string | number | null)[];
export declare function readRecord(file: string, name: string): Record<string, string | number | null>;
export declare function allCodes(): { code: string; section: ErrorsDocSection }[];
export declare function generateErrorsDoc(): Promise<string>;
