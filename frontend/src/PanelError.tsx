/**
 * Why a technique's panel cannot show its picture (no WebGL 2, a map that would not load), in
 * the panel's own place and announced to screen readers; nothing when all is well. One
 * component, so every panel kind says it the same way and the browser tests find it the same.
 */
export interface PanelErrorProps {
  readonly problem: string | null;
}

export function PanelError({ problem }: PanelErrorProps): React.JSX.Element | null {
  if (problem === null) {
    return null;
  }
  return (
    <p className="panel-error" role="alert">
      {problem}
    </p>
  );
}
