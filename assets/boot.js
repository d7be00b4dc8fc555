// Loads the wasm runtime. Lives in its own file so the embed CSP needs no inline script.
// Trunk writes the hashed asset names into this tag's data attributes.
const tag = document.querySelector('script[data-wasm]');
const { default: init } = await import(tag.dataset.js);
await init({ module_or_path: tag.dataset.wasm });
