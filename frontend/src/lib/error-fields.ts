import { graphql } from '@/gql';

// The typed errors a result union can hold (every one implements `Error`): spread `...ErrorFields`
// in the union's selection for each one's message and, on a ValidationError, its field errors.
// Extra fields of one error (ConflictError.currentVersion, LimitExceededError.limit) stay with
// the operation that needs them.
export const ErrorFieldsFragment = graphql(`
  fragment ErrorFields on Error {
    message
    ... on ValidationError {
      fieldErrors {
        field
        message
      }
    }
  }
`);
