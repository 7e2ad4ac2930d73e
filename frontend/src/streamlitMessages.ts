/**
 * Streamlit's component messages (protocol version 1), the four classroom uses: ready, render,
 * frame height and value. streamlit-component-lib did this before and brought Apache Arrow
 * with it for dataframe arguments, which classroom never sends (each argument is one JSON
 * string): Arrow was about a third of the component's JavaScript, downloaded and parsed by
 * every frame of every open (issue 13). The messages are those of streamlit-component-lib 2.0.
 */

/** The page's theme, as Streamlit sends it with each render. */
export interface Theme {
  readonly base: string;
  readonly primaryColor: string;
  readonly backgroundColor: string;
  readonly secondaryBackgroundColor: string;
  readonly textColor: string;
  readonly font: string;
}

/** One render: the arguments Python passed, whether the component is disabled, the theme. */
export interface RenderData {
  readonly args: Readonly<Record<string, unknown>>;
  readonly disabled: boolean;
  readonly theme: Theme | undefined;
}

const API_VERSION = 1;
const RENDER = "streamlit:render";

const listeners = new Set<(render: RenderData) => void>();
let listening = false;
let lastFrameHeight: number | undefined;
let themeStyle: HTMLStyleElement | null = null;

function send(type: string, data: Record<string, unknown>): void {
  window.parent.postMessage({ isStreamlitMessage: true, type, ...data }, "*");
}

/** The page's colours for the frame's own background and text (as the library did). */
function applyTheme(theme: Theme): void {
  if (themeStyle === null) {
    themeStyle = document.createElement("style");
    document.head.appendChild(themeStyle);
  }
  themeStyle.textContent = `:root {
  --primary-color: ${theme.primaryColor};
  --background-color: ${theme.backgroundColor};
  --secondary-background-color: ${theme.secondaryBackgroundColor};
  --text-color: ${theme.textColor};
  --font: ${theme.font};
}
body { background-color: var(--background-color); color: var(--text-color); }`;
}

function onMessage(event: MessageEvent): void {
  const data: unknown = event.data;
  if (typeof data !== "object" || data === null || (data as { type?: unknown }).type !== RENDER) {
    return;
  }
  const message = data as { args?: Record<string, unknown> | null; disabled?: unknown; theme?: Theme };
  if (message.theme !== undefined) {
    applyTheme(message.theme);
  }
  const render: RenderData = {
    args: message.args ?? {},
    disabled: Boolean(message.disabled),
    theme: message.theme,
  };
  for (const listener of listeners) {
    listener(render);
  }
}

/** Call `listener` with every render from now on; returns what stops it. */
export function onRender(listener: (render: RenderData) => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** Tell Streamlit the frame listens: it answers with the arguments (a render). */
export function setComponentReady(): void {
  if (!listening) {
    window.addEventListener("message", onMessage);
    listening = true;
  }
  send("streamlit:componentReady", { apiVersion: API_VERSION });
}

/** The frame's height in CSS pixels (sent only when it changes). */
export function setFrameHeight(height: number): void {
  if (height === lastFrameHeight) {
    return;
  }
  lastFrameHeight = height;
  send("streamlit:setFrameHeight", { height });
}

/** The component's value for Python (JSON); Streamlit reruns the script with it. */
export function setComponentValue(value: unknown): void {
  send("streamlit:setComponentValue", { value, dataType: "json" });
}
