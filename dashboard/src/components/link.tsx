import type { ComponentChildren } from "preact";
import { followLink } from "../router";

/** An in-app link: a real href (new tab, copy link), moved through history on a plain click. */
export function Link({ href, children, class: className }: { href: string; children: ComponentChildren; class?: string }) {
  return (
    <a href={href} class={className} onClick={followLink}>
      {children}
    </a>
  );
}
