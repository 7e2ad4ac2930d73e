/**
 * The keys that choose a channel in the bar chart and in an activations panel, and ask for its
 * generated image, so the two answer a keyboard alike (and a student without a mouse can ask
 * "what does it want to see?" too). Pure: positions in, what to do out.
 */

/** What a key does: show the channel at `position`, leave the single-channel view, ask Python. */
export type ChannelKeyAction =
  | { readonly kind: "select"; readonly position: number }
  | { readonly kind: "clear" }
  | { readonly kind: "ask"; readonly position: number };

/**
 * @param key the key's name (`KeyboardEvent.key`)
 * @param shift Shift held: the arrows move by ten
 * @param now the position shown alone, -1 for none
 * @param count how many channels there are to choose from
 * @returns the action, or null when the key means nothing here (and should go on to the page)
 */
export function channelKeyAction(
  key: string,
  shift: boolean,
  now: number,
  count: number,
): ChannelKeyAction | null {
  if (count === 0) {
    return null;
  }
  if (key === "Enter" || key === " ") {
    return now >= 0 ? { kind: "ask", position: now } : null;
  }
  if (key === "Escape") {
    return now >= 0 ? { kind: "clear" } : null;
  }
  const step = shift ? 10 : 1;
  const moves: Record<string, number> = {
    ArrowRight: now + step,
    ArrowLeft: now < 0 ? count - 1 : now - step,
    Home: 0,
    End: count - 1,
  };
  const next = moves[key];
  return next === undefined ? null : { kind: "select", position: Math.min(count - 1, Math.max(0, next)) };
}
