import { useEffect, useState } from 'preact/hooks';
import { api, dataOf } from '../../api/client.js';
import { describe } from '../../ui/use-async.js';
import type { Box } from './box-draw.js';

/** One answer of `GET /api/v1/common/administrative-areas?search=`. */
export interface AreaMatch {
  gadm_composite_id: string;
  name: string;
  bbox: Box;
}

/** Wait this long after the last keystroke before asking the server. */
const DEBOUNCE_MS = 250;
const MIN_CHARACTERS = 2;

/**
 * A combobox (ARIA 1.2 pattern) over the public administrative-area search: type part of a name,
 * arrows move through the matches, Enter (or a click) picks one, Escape closes the list.
 */
export function AdminAreaSearch({ chosen, onPick }: { chosen: string; onPick(match: AreaMatch): void }) {
  const [text, setText] = useState(chosen);
  const [matches, setMatches] = useState<AreaMatch[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [status, setStatus] = useState('');

  // The chosen area changed elsewhere (cleared, or another kind of area picked).
  useEffect(() => setText(chosen), [chosen]);

  useEffect(() => {
    const search = text.trim();
    if (!open || search.length < MIN_CHARACTERS) {
      setMatches([]);
      setStatus('');
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      setStatus('Searching…');
      (dataOf(api.GET('/api/v1/common/administrative-areas', { params: { query: { search } }, signal: controller.signal })) as Promise<AreaMatch[]>).then(
        (found) => {
          setMatches(found);
          setActive(found.length ? 0 : -1);
          setStatus(found.length ? `${found.length} area${found.length === 1 ? '' : 's'} found` : `No administrative area is called “${search}”.`);
        },
        (error: unknown) => {
          if (!controller.signal.aborted) setStatus(describe(error));
        },
      );
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [text, open]);

  const pick = (match: AreaMatch | undefined) => {
    if (!match) return;
    setText(match.name);
    setOpen(false);
    setMatches([]);
    onPick(match);
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      setOpen(true);
      if (matches.length) setActive((index) => (index + (event.key === 'ArrowDown' ? 1 : matches.length - 1)) % matches.length);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      pick(matches[active]);
    } else if (event.key === 'Escape' && open) {
      event.preventDefault();
      setOpen(false);
    }
  };
  const expanded = open && matches.length > 0;
  return (
    <div class="combobox">
      <label for="f-area">Administrative area</label>
      <input
        id="f-area"
        type="search"
        role="combobox"
        // Preact's ARIA-in-HTML typing asks a combobox input for `list`; the listbox below is ours, not a <datalist>.
        list={undefined}
        autocomplete="off"
        placeholder="Country, state or county"
        maxLength={100}
        aria-autocomplete="list"
        aria-expanded={expanded ? 'true' : 'false'}
        aria-controls="f-area-options"
        aria-activedescendant={expanded && active >= 0 ? `f-area-option-${active}` : undefined}
        value={text}
        onInput={(event) => {
          setText(event.currentTarget.value);
          setOpen(true);
        }}
        onKeyDown={onKeyDown}
        onBlur={() => setOpen(false)}
      />
      <ul id="f-area-options" role="listbox" aria-label="Administrative areas" hidden={!expanded}>
        {matches.map((match, index) => (
          <li
            key={match.gadm_composite_id}
            id={`f-area-option-${index}`}
            role="option"
            aria-selected={index === active ? 'true' : 'false'}
            // mousedown, not click: the input's blur would close the list first.
            onMouseDown={(event) => {
              event.preventDefault();
              pick(match);
            }}
          >
            {match.name}
          </li>
        ))}
      </ul>
      <span class="hint" role="status">
        {open ? status : ''}
      </span>
    </div>
  );
}
