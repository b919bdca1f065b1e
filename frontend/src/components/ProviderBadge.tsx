const PROVIDER_NAMES: Record<string, string> = {
  nebius: 'Nebius',
  fireworks_ai: 'Fireworks AI',
  azure: 'Azure',
  openai: 'OpenAI',
  anthropic: 'Anthropic',
  bedrock: 'Bedrock',
  vertex_ai: 'Vertex AI',
  groq: 'Groq',
  together_ai: 'Together AI',
  mistral: 'Mistral',
};

export function providerName(provider: string): string {
  return PROVIDER_NAMES[provider] ?? provider;
}

// A stable colour per provider so the same provider looks the same everywhere.
function providerHue(provider: string): number {
  let hash = 0;
  for (const char of provider) hash = (hash * 31 + char.charCodeAt(0)) % 360;
  return hash;
}

export function ProviderBadge({ provider }: { provider: string }) {
  const hue = providerHue(provider);
  return (
    <span
      className="badge provider-badge"
      style={{ background: `hsl(${hue} 70% 94%)`, color: `hsl(${hue} 55% 30%)` }}
      title={provider}
    >
      {providerName(provider)}
    </span>
  );
}
