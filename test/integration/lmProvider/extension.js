// A language-model provider for the integration tests, loaded as a second development extension: it stands in for
// Copilot's vision models (which need a GitHub sign-in these machines cannot do). Its one model accepts images and
// answers from the JPEG it receives ("The image shows a red picture."), so a test can tell each caption's image.
const vscode = require('vscode');
const jpeg = require('jpeg-js');

function colourName(r, g, b) {
  const hi = (v) => v > 170;
  const lo = (v) => v < 85;
  if (hi(r) && lo(g) && lo(b)) return 'red';
  if (lo(r) && hi(g) && lo(b)) return 'green';
  if (lo(r) && lo(g) && hi(b)) return 'blue';
  if (hi(r) && hi(g) && hi(b)) return 'white';
  if (lo(r) && lo(g) && lo(b)) return 'black';
  return 'grey';
}

function describe(data) {
  const img = jpeg.decode(Buffer.from(data), { useTArray: true });
  let r = 0,
    g = 0,
    b = 0;
  const n = img.width * img.height;
  for (let i = 0; i < n; i++) {
    r += img.data[i * 4];
    g += img.data[i * 4 + 1];
    b += img.data[i * 4 + 2];
  }
  return `The image shows a ${colourName(r / n, g / n, b / n)} picture.`;
}

exports.activate = (context) => {
  const requests = [];
  context.subscriptions.push(
    vscode.lm.registerLanguageModelChatProvider('test-vision', {
      provideLanguageModelChatInformation: () => [
        {
          id: 'test-vision-1',
          name: 'Test Vision',
          family: 'test-vision',
          version: '1',
          maxInputTokens: 100000,
          maxOutputTokens: 1000,
          capabilities: { imageInput: true },
        },
      ],
      async provideLanguageModelChatResponse(_model, messages, _options, progress) {
        const parts = messages.flatMap((m) => m.content);
        const image = parts.find((p) => p instanceof vscode.LanguageModelDataPart && p.mimeType === 'image/jpeg');
        const text = parts.find((p) => p instanceof vscode.LanguageModelTextPart);
        requests.push({ prompt: text ? text.value : undefined, mime: image ? image.mimeType : undefined });
        if (!image) throw new Error('no image/jpeg part in the request');
        progress.report(new vscode.LanguageModelTextPart(describe(image.data)));
      },
      provideTokenCount: (_model, text) => (typeof text === 'string' ? Math.ceil(text.length / 4) : 100),
    }),
  );
  return { requests };
};
