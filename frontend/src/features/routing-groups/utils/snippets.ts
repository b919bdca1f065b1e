/** Copy-ready ways to call a routing group: it is the `model` of an OpenAI chat completion. */

export type SnippetLanguage = 'curl' | 'python' | 'javascript';

export const KEY_PLACEHOLDER = 'sk-…your key…';

// Exactly what the gateway sets (gql_server/openai_api/routes.py `_routing_headers`); the e2e
// checks each against a real /v1 answer.
export const RESPONSE_HEADERS: readonly { name: string; meaning: string }[] = [
  { name: 'x-litellm-model-id', meaning: 'the deployment that answered' },
  { name: 'x-litellm-attempted-retries', meaning: 'retries inside a tier before the answer' },
  { name: 'x-litellm-attempted-fallbacks', meaning: 'fallbacks to a later tier before the answer' },
];

/** What a snippet shows for a key: its first characters, the rest elided (the copy has it whole). */
export function maskKey(key: string): string {
  return key === KEY_PLACEHOLDER || key.length <= 10 ? key : `${key.slice(0, 7)}…${key.slice(-4)}`;
}

export function baseUrl(origin: string): string {
  return `${origin.replace(/\/$/, '')}/v1`;
}

export function snippet(language: SnippetLanguage, base: string, model: string, key = KEY_PLACEHOLDER): string {
  const name = JSON.stringify(model);
  switch (language) {
    case 'curl':
      return [
        `curl -i ${base}/chat/completions \\`,
        `  -H "Authorization: Bearer ${key}" \\`,
        `  -H "Content-Type: application/json" \\`,
        `  -d '{"model": ${name}, "messages": [{"role": "user", "content": "Hello"}]}'`,
      ].join('\n');
    case 'python':
      return [
        'from openai import OpenAI',
        '',
        `client = OpenAI(base_url="${base}", api_key="${key}")`,
        'reply = client.chat.completions.with_raw_response.create(',
        `    model=${name},`,
        '    messages=[{"role": "user", "content": "Hello"}],',
        ')',
        'print(reply.parse().choices[0].message.content)',
        'print(reply.headers["x-litellm-model-id"], reply.headers["x-litellm-attempted-fallbacks"])',
      ].join('\n');
    case 'javascript':
      return [
        "import OpenAI from 'openai';",
        '',
        `const client = new OpenAI({ baseURL: '${base}', apiKey: '${key}' });`,
        'const { data, response } = await client.chat.completions',
        `  .create({ model: ${name}, messages: [{ role: 'user', content: 'Hello' }] })`,
        '  .withResponse();',
        'console.log(data.choices[0].message.content);',
        "console.log(response.headers.get('x-litellm-model-id'));",
      ].join('\n');
  }
}
