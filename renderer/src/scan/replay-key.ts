/**
 * Replays a held-back keydown that turned out to be typing: a keydown/keyup pair to the element it
 * was aimed at (page shortcuts such as the amount keypad read those), and, when that element is a
 * text field and nobody cancelled the keydown, the character itself. Script-made key events never
 * type by themselves, so the text goes in as an edit: execCommand('insertText') where the browser
 * still supports it (it keeps undo and fires `input`), else setRangeText plus an `input` event,
 * which React's onChange also sees (its value tracker notices the changed value).
 */

const replayed = new WeakSet<Event>();
/** Set while execCommand runs: the events it fires synchronously are ours too. */
let editing = false;

/** True for events this module made, which the wedge listener must not feed back to the detector. */
export function isReplayed(event: Event): boolean {
  return editing || replayed.has(event);
}

function isTextField(target: EventTarget | null): target is HTMLInputElement | HTMLTextAreaElement {
  if (typeof HTMLTextAreaElement !== 'undefined' && target instanceof HTMLTextAreaElement) return true;
  if (!(typeof HTMLInputElement !== 'undefined' && target instanceof HTMLInputElement)) return false;
  return ['text', 'search', 'tel', 'url', 'email', 'password', 'number', ''].includes(target.type);
}

function dispatch(target: EventTarget, event: Event): boolean {
  replayed.add(event);
  return target.dispatchEvent(event);
}

function insertText(field: HTMLInputElement | HTMLTextAreaElement, text: string): void {
  const doc = field.ownerDocument;
  if (doc.activeElement === field && typeof doc.execCommand === 'function') {
    editing = true;
    let done = false;
    try {
      done = doc.execCommand('insertText', false, text);
    } finally {
      editing = false;
    }
    if (done) return;
  }
  let start = field.value.length;
  let end = start;
  try {
    start = field.selectionStart ?? start;
    end = field.selectionEnd ?? start;
  } catch {
    // type=number has no selection API: append.
  }
  if (field.type === 'number') {
    // The prototype's setter, not the element's: React wraps the latter to track the value, and
    // would then see no change and skip onChange.
    const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set;
    setValue?.call(field, `${field.value}${text}`);
  } else field.setRangeText(text, start, end, 'end');
  dispatch(field, new InputEvent('input', { bubbles: true, data: text, inputType: 'insertText' }));
}

export function replayKey(original: KeyboardEvent): void {
  const target = original.target;
  if (!target) return;
  const init: KeyboardEventInit = {
    key: original.key,
    code: original.code,
    location: original.location,
    shiftKey: original.shiftKey,
    bubbles: true,
    cancelable: true,
    composed: true,
  };
  const proceed = dispatch(target, new KeyboardEvent('keydown', init));
  if (proceed && isTextField(target) && [...original.key].length === 1) insertText(target, original.key);
  dispatch(target, new KeyboardEvent('keyup', init));
}
