// The part of web-ext's API that scripts/lint-firefox.ts uses; web-ext ships no types.
declare module 'web-ext' {
  interface LintMessage {
    readonly code: string;
    readonly message: string;
    readonly description?: string;
    readonly file?: string;
    readonly line?: number;
    readonly column?: number;
  }
  interface LintResult {
    readonly errors: readonly LintMessage[];
    readonly warnings: readonly LintMessage[];
    readonly notices: readonly LintMessage[];
  }
  interface LintParams {
    readonly sourceDir: string;
    readonly selfHosted?: boolean;
    readonly output?: 'text' | 'json' | 'none';
    readonly boring?: boolean;
    readonly warningsAsErrors?: boolean;
  }
  const webExt: {
    readonly cmd: {
      lint(params: LintParams, options?: { readonly shouldExitProgram?: boolean }): Promise<LintResult>;
    };
  };
  export default webExt;
}
