import { expect, it } from 'vitest';
import { isInsecurePublicUrl } from './public-url-check.js';

it.each([
  ['http://news.example.com', true],
  ['http://203.0.113.7:8080', true],
  ['http://localhost.example.com', true],
  ['https://news.example.com', false],
  ['http://localhost:3000', false],
  ['http://127.0.0.1:3000', false],
  ['http://127.8.9.10', false],
  ['http://[::1]:3000', false],
  ['http://news.localhost', false],
  ['http://broadsheet.test', false],
])('%s insecure: %s', (url, insecure) => {
  expect(isInsecurePublicUrl(url)).toBe(insecure);
});
