import { render, screen } from "@testing-library/react";
import { Provider } from "urql";
import { describe, expect, it } from "vitest";
import { mockClient } from "@/test/mock-client";
import { UsagePage } from "./UsagePage";

describe("UsagePage", () => {
  it("shows spend per group and the logged requests", () => {
    const data = {
      spend: [
        {
          groupBy: "GROUP",
          id: "g1",
          name: "llama-failover",
          requests: 3,
          failures: 1,
          promptTokens: 30,
          completionTokens: 60,
          costUsd: 1.25,
        },
      ],
      requestLog: {
        total: 1,
        page: 1,
        size: 25,
        items: [
          {
            requestId: "r1",
            startedAt: "2026-11-28T12:00:00Z",
            routingGroupName: "llama-failover",
            keyId: "k1",
            deploymentId: "azure-gpt-4o",
            success: true,
            statusCode: 200,
            latencyMs: 42.4,
            promptTokens: 10,
            completionTokens: 20,
            costUsd: 0.5,
            attempts: [
              {
                deploymentId: "azure-gpt-4o",
                status: "SUCCESS",
                errorKind: null,
              },
            ],
          },
        ],
      },
    };
    const { client } = mockClient({
      Spend: () => ({ spend: data.spend }),
      RequestLog: () => ({ requestLog: data.requestLog }),
    });
    render(
      <Provider value={client}>
        <UsagePage />
      </Provider>,
    );
    expect(screen.getAllByText("llama-failover")).toHaveLength(2);
    expect(screen.getByText("$1.25")).toBeTruthy();
    expect(screen.getByText("azure-gpt-4o")).toBeTruthy();
    expect(screen.getByText("42 ms")).toBeTruthy();
  });
});
