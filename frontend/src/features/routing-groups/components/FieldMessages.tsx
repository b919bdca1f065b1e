export function FieldMessages({ id, messages }: { id?: string; messages: readonly string[] | undefined }) {
  if (!messages?.length) return null;
  return (
    <ul className="field-error" id={id} role="alert" tabIndex={-1}>
      {messages.map((message) => (
        <li key={message}>{message}</li>
      ))}
    </ul>
  );
}
