// The signed-in user's JWT. A SaaS opens the page as /app#token=<a short-lived JWT of its user>: the token is
// read once from the fragment (which never reaches a server or a log), kept in sessionStorage (this tab only,
// gone when it closes) and taken out of the address bar, history included.

const STORAGE_KEY = "latchkey.dashboard.token";

export function takeTokenFromUrl(): void {
  const { hash, pathname, search } = window.location;
  if (!hash.startsWith("#")) return;
  const params = new URLSearchParams(hash.slice(1));
  const token = params.get("token");
  if (token === null) return;
  if (token !== "") sessionStorage.setItem(STORAGE_KEY, token);
  params.delete("token");
  const rest = params.toString();
  window.history.replaceState(window.history.state, "", `${pathname}${search}${rest ? `#${rest}` : ""}`);
}

export const storedToken = (): string | null => sessionStorage.getItem(STORAGE_KEY);

export const forgetToken = (): void => sessionStorage.removeItem(STORAGE_KEY);
