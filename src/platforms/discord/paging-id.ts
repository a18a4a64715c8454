import { ButtonStyle, ComponentType } from 'discord.js';
import type { Paging } from '../../messages/reply';

/** Discord's limits for message components. */
export const COMPONENT_LIMITS = { customId: 100, buttonLabel: 80 } as const;

const PAGE_PREFIX = 'p';
const LABEL_PREFIX = 'i';

/** What a paging button asks for: the command, its arguments and the page to show. */
export interface PageRequest {
  command: string;
  args: Record<string, string>;
  page: number;
}

/** A button as Discord's REST API takes it. */
export interface ButtonBody {
  type: ComponentType.Button;
  style: ButtonStyle.Secondary;
  label: string;
  custom_id: string;
  disabled: boolean;
}

/** A row of buttons as Discord's REST API takes it. */
export interface ActionRowBody {
  type: ComponentType.ActionRow;
  components: ButtonBody[];
}

/**
 * The custom id of a paging button: `p|<command>|<page>|<args as a query string>`, e.g.
 * `p|agreements|2|state=texas&model=TFM`. Everything the page needs is in the id, so a
 * button still works after a restart. Null when it would not fit Discord's 100 characters.
 */
export function encodePagingId(request: PageRequest): string | null {
  const args = Object.entries(request.args).filter(([k, v]) => k !== 'page' && v !== undefined && v !== '');
  const id = [PAGE_PREFIX, request.command, String(request.page), new URLSearchParams(args).toString()].join('|');
  return id.length <= COMPONENT_LIMITS.customId ? id : null;
}

/** The page a button asks for, or null when the id is not a paging id (or is malformed). */
export function decodePagingId(customId: string): PageRequest | null {
  const parts = customId.split('|');
  if (parts.length < 4 || parts[0] !== PAGE_PREFIX) return null;
  const [, command, pageText, ...rest] = parts;
  const page = Number(pageText);
  if (!command || !Number.isInteger(page) || page < 1) return null;
  return { command, page, args: Object.fromEntries(new URLSearchParams(rest.join('|'))) };
}

/**
 * Previous / "page x/y" / Next, disabled at the ends; null when an id would not fit (the
 * renderer then says which page this is in the footer instead of offering broken buttons).
 */
export function buildPagingRow(paging: Paging): ActionRowBody | null {
  if (paging.pages < 2) return null;
  const base = { command: paging.command, args: paging.args };
  const previous = encodePagingId({ ...base, page: Math.max(1, paging.page - 1) });
  const next = encodePagingId({ ...base, page: Math.min(paging.pages, paging.page + 1) });
  if (!previous || !next) return null;
  const button = (label: string, customId: string, disabled: boolean): ButtonBody => ({
    type: ComponentType.Button,
    style: ButtonStyle.Secondary,
    label,
    custom_id: customId,
    disabled,
  });
  return {
    type: ComponentType.ActionRow,
    components: [
      button('◀ Previous', previous, paging.page <= 1),
      button(`page ${paging.page}/${paging.pages}`, `${LABEL_PREFIX}|${paging.page}|${paging.pages}`, true),
      button('Next ▶', next, paging.page >= paging.pages),
    ],
  };
}
