import { describe, expect, it } from 'vitest';
import { absoluteUrls } from './absolute-urls.js';

const POST = 'https://news.example.com/posts/spring-issue';

describe('absoluteUrls', () => {
  it('resolves links and images as a browser on the post page would', () => {
    const html = '<p><a href="/posts">archive</a> <a href="next-post">next</a> <a href="#notes">notes</a> <img src="/img/a.png" alt="A" /> <img src="b.png" alt="" /></p>';
    expect(absoluteUrls(html, POST)).toBe(
      '<p><a href="https://news.example.com/posts">archive</a> <a href="https://news.example.com/posts/next-post">next</a> ' +
        '<a href="https://news.example.com/posts/spring-issue#notes">notes</a> <img src="https://news.example.com/img/a.png" alt="A" /> ' +
        '<img src="https://news.example.com/posts/b.png" alt="" /></p>',
    );
  });

  it('leaves absolute and mailto: URLs, text, entities and other attributes as they were', () => {
    const html = '<p><a href="https://example.org/a?b=1&amp;c=2" title="T" rel="noopener noreferrer">x &amp; {{braces}} &lt;b&gt;</a> <a href="mailto:ed@example.com">ed</a></p>\n<table><tr><td align="center">1</td></tr></table>';
    expect(absoluteUrls(html, POST)).toBe(html);
  });

  it('rewrites every candidate of a srcset and keeps its descriptor, commas inside URLs included', () => {
    const html = '<img src="/a.png" srcset="/a.png 1x,/a,2x.png 2x, https://cdn.example.org/a.png 600w" alt="a" />';
    expect(absoluteUrls(html, POST)).toBe(
      '<img src="https://news.example.com/a.png" srcset="https://news.example.com/a.png 1x, https://news.example.com/a,2x.png 2x, https://cdn.example.org/a.png 600w" alt="a" />',
    );
  });
});
