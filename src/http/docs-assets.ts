/** The Swagger UI files that /docs serves from its own origin, by the name in their URL. */
export const DOCS_ASSETS = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
} as const;

export type DocsAssetName = keyof typeof DOCS_ASSETS;

/**
 * Where the installed swagger-ui-dist files come from. On Node they are read from node_modules
 * (`swagger-ui-node.ts`); a Workers build would bundle them and pass in its own.
 */
export interface DocsAssets {
  read(name: DocsAssetName): Promise<string>;
}
