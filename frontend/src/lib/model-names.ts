/** `nebius/meta-llama/Llama-3.3-70B-Instruct` -> `Llama-3.3-70B-Instruct`: short enough for a card. */
export function shortModelName(modelName: string): string {
  return modelName.split('/').filter(Boolean).pop() ?? modelName;
}
