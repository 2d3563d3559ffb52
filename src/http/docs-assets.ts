/** The Swagger UI files that /docs serves from its own origin, by the name in their URL. */
export const DOCS_ASSETS = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
} as const;

export type DocsAssetName = keyof typeof DOCS_ASSETS;

/**
 * Where the installed swagger-ui-dist files come from. On Node they are read from node_modules
 * (`swagger-ui-node.ts`); on Workers from the Worker's static assets (`docs-assets-fetcher.ts`),
 * since bundling them would add 1.9 MB to the Worker's script.
 */
export interface DocsAssets {
  read(name: DocsAssetName): Promise<string>;
}

/** Reads each file once, at its first request, and keeps it: they change only with a deploy. */
export function keptDocsAssets(load: (name: DocsAssetName) => Promise<string>): DocsAssets {
  const files = new Map<DocsAssetName, Promise<string>>();
  return {
    read(name) {
      if (!Object.hasOwn(DOCS_ASSETS, name)) throw new Error(`not a Swagger UI asset: ${name}`);
      let file = files.get(name);
      if (!file) {
        file = load(name);
        files.set(name, file);
        // A failed read is tried again at the next request rather than kept.
        file.catch(() => files.delete(name));
      }
      return file;
    },
  };
}
