export function FieldMessages({ id, messages }: { id?: string; messages: readonly string[] | undefined }) {
  if (!messages?.length) return null;
  return (
    // role="alert" on the <ul> itself would take away its list role and orphan the <li>s.
    <div className="field-error" id={id} role="alert" tabIndex={-1}>
      <ul>
        {messages.map((message) => (
          <li key={message}>{message}</li>
        ))}
      </ul>
    </div>
  );
}
