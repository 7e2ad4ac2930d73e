/**
 * Back and Next for a lesson's steps, with the step count: a column in the sidebar, one row
 * above the step in presenter mode. Every press (a button, PageDown, PageUp) is counted here
 * and reaches Python as a running count, so none is lost however fast they come.
 */
import { useEffect, useState } from "react";

import type { NavigatorArgs } from "../contract";
import { sendValue } from "../streamlit";
import { PressCounter, listenForSteps } from "./stepPresses";

export function Navigator({ args }: { readonly args: NavigatorArgs }): React.JSX.Element {
  const [counter] = useState(() => new PressCounter(sendValue));
  useEffect(() => listenForSteps(counter), [counter]);
  const where = `Step ${(args.step + 1).toString()} of ${args.count.toString()}`;
  const back = (
    <button
      type="button"
      className="step-button"
      disabled={args.step === 0}
      aria-keyshortcuts="PageUp"
      title="Previous step (PageUp)"
      onClick={() => {
        counter.press(-1);
      }}
    >
      ← Back
    </button>
  );
  const next = (
    <button
      type="button"
      className="step-button primary"
      disabled={args.step >= args.count - 1}
      aria-keyshortcuts="PageDown"
      title="Next step (PageDown)"
      onClick={() => {
        counter.press(1);
      }}
    >
      Next →
    </button>
  );
  if (args.presenter) {
    return (
      <nav className="navigator row" aria-label="Lesson steps">
        {back}
        <span className="step-where">
          {args.lessonTitle} · {where.toLowerCase()}
        </span>
        {next}
      </nav>
    );
  }
  return (
    <nav className="navigator column" aria-label="Lesson steps">
      <div className="step-where">{where}</div>
      <div
        className="step-progress"
        role="progressbar"
        aria-valuemin={1}
        aria-valuemax={args.count}
        aria-valuenow={args.step + 1}
        aria-label={where}
      >
        <div
          className="step-progress-bar"
          style={{ width: `${(((args.step + 1) / args.count) * 100).toFixed(1)}%` }}
        />
      </div>
      {next}
      {back}
    </nav>
  );
}
