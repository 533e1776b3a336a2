// Builds elements without innerHTML, so card text, reporter text and API answers can never
// become markup. Shared by the app, the lesson pages and the staff page.

// h("p", {class: "x", text: "Hi", dataset: {a: "1"}, onclick: f}, child, [more, children])
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else if (name === "class") el.className = value;
    else if (name === "text") el.textContent = value;
    else if (name === "dataset") Object.assign(el.dataset, value);
    else el.setAttribute(name, value === true ? "" : value);
  }
  return append(el, children);
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

// Like Element.append, but flattens nested arrays of children.
export const add = (el, ...children) => append(el, children);

let ids = 0;
export const uid = (prefix) => `${prefix}-${++ids}`;
