import { html, jsonForScript } from './html';
import { privacyPage } from './privacy.page';
import { consolePage } from './console.page';
import { pageTextsFor } from '../texts/page-languages';

describe('page rendering', () => {
  it('escapes every interpolated value', () => {
    expect(html`<p title="${'"x"'}">${'<b>&'}</p>`.value).toBe(
      '<p title="&quot;x&quot;">&lt;b&gt;&amp;</p>',
    );
  });

  it('keeps JSON for a script block from closing the element', () => {
    expect(jsonForScript({ t: '</script><script>alert(1)</script>' }).value).not.toContain('</');
  });

  it('renders both pages without any inline script or style', () => {
    for (const page of [privacyPage(pageTextsFor('en')), consolePage(pageTextsFor('en'))]) {
      const scripts = page.match(/<script\b[^>]*>/g) ?? [];
      for (const tag of scripts) {
        expect(tag).toMatch(/type="application\/json"|src="\/assets\/pages\//);
      }
      expect(page).not.toMatch(/<style|style="|\son[a-z]+=/i);
    }
  });

  it('labels every input and points every description at an element of the page', () => {
    for (const page of [privacyPage(pageTextsFor('en')), consolePage(pageTextsFor('en'))]) {
      const ids = new Set([...page.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]));
      const labelled = new Set([...page.matchAll(/<label for="([^"]+)"/g)].map((m) => m[1]));
      for (const [input] of page.matchAll(/<input\b[^>]*>/g)) {
        const id = /\sid="([^"]+)"/.exec(input)?.[1] ?? '';
        expect({ id, labelled: labelled.has(id) }).toEqual({ id, labelled: true });
        const described = /aria-describedby="([^"]+)"/.exec(input)?.[1];
        if (described) {
          expect(ids).toContain(described);
        }
      }
    }
  });

  it('falls back to English for a language it has no texts for', () => {
    expect(pageTextsFor('de-DE,fr;q=0.8').lang).toBe('en');
    expect(pageTextsFor(undefined).lang).toBe('en');
  });
});
