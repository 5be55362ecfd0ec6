import { useEffect, useState, type MouseEvent } from "react";

// The page's routes live under /app; filters and paging live in the query string, so a reload or a shared
// link shows the same view. History entries are the browser's own (back and forward work).

const NAVIGATED = "latchkey:navigate";

export interface Place {
  pathname: string;
  search: URLSearchParams;
}

const here = (): Place => ({ pathname: window.location.pathname, search: new URLSearchParams(window.location.search) });

export function usePlace(): Place {
  const [place, setPlace] = useState(here);
  useEffect(() => {
    const update = () => setPlace(here());
    window.addEventListener("popstate", update);
    window.addEventListener(NAVIGATED, update);
    return () => {
      window.removeEventListener("popstate", update);
      window.removeEventListener(NAVIGATED, update);
    };
  }, []);
  return place;
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) window.history.replaceState(null, "", to);
  else window.history.pushState(null, "", to);
  window.dispatchEvent(new Event(NAVIGATED));
}

/** An <a>'s click handler that navigates in the page (a modified click opens a new tab as usual). */
export function followLink(event: MouseEvent<HTMLAnchorElement>): void {
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(event.currentTarget.getAttribute("href") ?? "/app");
}

export const withSearch = (pathname: string, search: URLSearchParams): string => {
  const query = search.toString();
  return query ? `${pathname}?${query}` : pathname;
};
