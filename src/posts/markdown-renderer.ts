import { renderMarkdown } from './render-markdown.js';

/**
 * Turns a post body into its safe HTML. The parse is synchronous and some inputs take quadratic
 * time, so each runtime bounds it its own way: on Node, `createMarkdownWorker` runs it in a
 * worker thread with a deadline, refusing with `Unprocessable` what does not finish in time.
 */
export type MarkdownRenderer = (source: string) => Promise<string>;

/** Renders on the calling thread, unbounded: for runtimes that bound CPU time per request themselves. */
export const renderMarkdownInProcess: MarkdownRenderer = async (source) => renderMarkdown(source);
