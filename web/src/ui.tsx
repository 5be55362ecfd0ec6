import { useEffect, useId, useRef, type ReactNode } from "react";
import type { ApiKeyStatus } from "./gql/graphql";
import { STATUSES } from "./format";

/**
 * A modal <dialog>: the browser traps focus inside, Escape closes it, and focus returns to the control that
 * opened it. `onClose` runs however it closes.
 */
export function Dialog(props: { title: string; onClose: () => void; children: ReactNode; wide?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const onClose = useRef(props.onClose);
  onClose.current = props.onClose;
  useEffect(() => {
    const dialog = ref.current!;
    const closed = () => onClose.current();
    // Escape fires "cancel" at once and "close" a task later: answering "cancel" leaves no moment in which the
    // dialog is shut but the page still thinks it open (a click then would open nothing)
    dialog.addEventListener("cancel", closed);
    dialog.addEventListener("close", closed);
    if (!dialog.open) dialog.showModal();
    return () => {
      dialog.removeEventListener("cancel", closed);
      dialog.removeEventListener("close", closed);
      if (dialog.open) dialog.close();
    };
  }, []);
  return (
    <dialog ref={ref} aria-labelledby={titleId} className={props.wide ? "dialog dialog-wide" : "dialog"}>
      <h2 id={titleId}>{props.title}</h2>
      {props.children}
    </dialog>
  );
}

export function StatusBadge({ status }: { status: ApiKeyStatus }) {
  return <span className={`badge badge-${status.toLowerCase()}`}>{STATUSES[status]}</span>;
}

/** An error of one form field, tied to it by aria-describedby. */
export function FieldError({ id, message }: { id: string; message?: string }) {
  if (!message) return null;
  return (
    <p id={id} className="field-error">
      {message}
    </p>
  );
}

/** An error of the whole form or page. */
export function Alert({ children }: { children: ReactNode }) {
  return (
    <div role="alert" className="alert">
      {children}
    </div>
  );
}
