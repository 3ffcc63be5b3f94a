// The few DOM types the page-side callbacks use. The project type-checks without the DOM lib
// (it is Node code), so callbacks that run in the browser reach the page through
// `globalThis as unknown as DomGlobals` instead of the DOM's global names.
export interface DomNode { readonly textContent: string | null }
export interface DomRect { readonly left: number; readonly top: number; readonly width: number; readonly height: number }
export interface DomRange {
  setStart(node: DomNode, offset: number): void;
  setEnd(node: DomNode, offset: number): void;
  getBoundingClientRect(): DomRect;
}
export interface DomElement extends DomNode {
  readonly tagName: string;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
}
export interface DomGlobals {
  document: {
    readonly title: string;
    querySelector(selector: string): DomElement | null;
    querySelectorAll(selector: string): ArrayLike<DomElement>;
    createRange(): DomRange;
    /** whatToShow 4 = NodeFilter.SHOW_TEXT */
    createTreeWalker(root: DomElement, whatToShow: number): { nextNode(): DomNode | null };
  };
}
