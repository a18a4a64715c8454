import {
  FIELD_TEXT_MAX_CHARS,
  HEADER_MAX_CHARS,
  MAX_BLOCKS,
  MAX_FIELDS_PER_SECTION,
  SECTION_TEXT_MAX_CHARS,
} from '../../../src/platforms/slack/render-reply';
import { BUTTON_VALUE_MAX_CHARS } from '../../../src/platforms/slack/paging';

/** Checks every Slack limit the renderer promises. */
export function expectWithinSlackLimits(blocks: any[]): void {
  expect(blocks.length).toBeLessThanOrEqual(MAX_BLOCKS);
  for (const b of blocks) {
    if (b.type === 'header') expect(b.text.text.length).toBeLessThanOrEqual(HEADER_MAX_CHARS);
    if (b.type === 'section' && b.text) expect(b.text.text.length).toBeLessThanOrEqual(SECTION_TEXT_MAX_CHARS);
    if (b.type === 'section' && b.fields) {
      expect(b.fields.length).toBeLessThanOrEqual(MAX_FIELDS_PER_SECTION);
      for (const f of b.fields) expect(f.text.length).toBeLessThanOrEqual(FIELD_TEXT_MAX_CHARS);
    }
    if (b.type === 'actions') for (const e of b.elements) expect(e.value.length).toBeLessThanOrEqual(BUTTON_VALUE_MAX_CHARS);
  }
}
