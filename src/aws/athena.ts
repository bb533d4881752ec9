import {GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand, StopQueryExecutionCommand} from '@aws-sdk/client-athena'

import {resolveEndpoint, type AwsClients} from './clients'
import {callAws} from './errors'

/** What StartQueryExecution needs (botocore athena/2017-05-18). */
export interface AthenaQueryRequest {
  /** The SQL, with `?` placeholders. */
  sql: string
  /** ExecutionParameters: one SQL literal per placeholder. */
  parameters: string[]
  /** The Glue database the table lives in. */
  database: string
  /** The workgroup. */
  workGroup: string
  /** ResultConfiguration.OutputLocation, unless the workgroup sets it. */
  outputLocation?: string
}

/** A query's state as GetQueryExecution reports it. */
export interface AthenaQueryStatus {
  /** QUEUED, RUNNING, SUCCEEDED, FAILED or CANCELLED. */
  state: string
  /** Statistics.DataScannedInBytes so far. */
  scannedBytes: number
  /** Why it failed: AthenaError's message, else the state change reason. */
  reason?: string
  /** AthenaError.ErrorType, when it failed. */
  errorType?: number
}

/** One page of GetQueryResults: rows of string cells (undefined for NULL). */
export interface AthenaResultPage {
  /** The rows, the header row included where Athena sends it. */
  rows: (string | undefined)[][]
  /** The next page's token. */
  nextToken?: string
}

/** Athena queries. */
export class AthenaAdapter {
  private readonly endpoint: string | undefined

  constructor(private readonly clients: AwsClients) {
    this.endpoint = resolveEndpoint(clients.context, 'athena')
  }

  async start(request: AthenaQueryRequest): Promise<string> {
    const out = await callAws(
      'athena:StartQueryExecution',
      () =>
        this.clients.athena.send(
          new StartQueryExecutionCommand({
            QueryString: request.sql,
            ...(request.parameters.length > 0 ? {ExecutionParameters: request.parameters} : {}),
            QueryExecutionContext: {Database: request.database},
            WorkGroup: request.workGroup,
            ...(request.outputLocation ? {ResultConfiguration: {OutputLocation: request.outputLocation}} : {}),
          }),
        ),
      this.endpoint,
    )
    return out.QueryExecutionId ?? ''
  }

  async status(id: string): Promise<AthenaQueryStatus> {
    const out = await callAws('athena:GetQueryExecution', () => this.clients.athena.send(new GetQueryExecutionCommand({QueryExecutionId: id})), this.endpoint)
    const execution = out.QueryExecution
    const error = execution?.Status?.AthenaError
    const reason = error?.ErrorMessage ?? execution?.Status?.StateChangeReason
    return {
      state: execution?.Status?.State ?? 'QUEUED',
      scannedBytes: execution?.Statistics?.DataScannedInBytes ?? 0,
      ...(reason ? {reason} : {}),
      ...(error?.ErrorType === undefined ? {} : {errorType: error.ErrorType}),
    }
  }

  async resultsPage(id: string, nextToken: string | undefined): Promise<AthenaResultPage> {
    const out = await callAws(
      'athena:GetQueryResults',
      () => this.clients.athena.send(new GetQueryResultsCommand({QueryExecutionId: id, MaxResults: 1000, ...(nextToken ? {NextToken: nextToken} : {})})),
      this.endpoint,
    )
    return {rows: (out.ResultSet?.Rows ?? []).map((row) => (row.Data ?? []).map((cell) => cell.VarCharValue)), ...(out.NextToken ? {nextToken: out.NextToken} : {})}
  }

  async stop(id: string): Promise<void> {
    await callAws('athena:StopQueryExecution', () => this.clients.athena.send(new StopQueryExecutionCommand({QueryExecutionId: id})), this.endpoint)
  }
}
