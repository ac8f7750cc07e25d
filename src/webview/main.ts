// Webview entry: replaced by the tagging app.
export {};
