import {
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type AthenaClientResolvedConfig,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from '@aws-sdk/client-athena'
import type {Command} from '@smithy/types'

import {ServiceAdapter} from './adapter'
import type {AwsClients} from './clients'

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
export class AthenaAdapter extends ServiceAdapter {
  constructor(clients: AwsClients) {
    super(clients, 'athena')
  }

  async start(request: AthenaQueryRequest): Promise<string> {
    const command = new StartQueryExecutionCommand({
      QueryString: request.sql,
      ...(request.parameters.length > 0 ? {ExecutionParameters: request.parameters} : {}),
      QueryExecutionContext: {Database: request.database},
      WorkGroup: request.workGroup,
      ...(request.outputLocation ? {ResultConfiguration: {OutputLocation: request.outputLocation}} : {}),
    })
    const out = await this.send('athena:StartQueryExecution', command)
    return out.QueryExecutionId ?? ''
  }

  async status(id: string): Promise<AthenaQueryStatus> {
    const out = await this.send('athena:GetQueryExecution', new GetQueryExecutionCommand({QueryExecutionId: id}))
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
    const out = await this.send('athena:GetQueryResults', new GetQueryResultsCommand({QueryExecutionId: id, MaxResults: 1000, ...(nextToken ? {NextToken: nextToken} : {})}))
    return {rows: (out.ResultSet?.Rows ?? []).map((row) => (row.Data ?? []).map((cell) => cell.VarCharValue)), ...(out.NextToken ? {nextToken: out.NextToken} : {})}
  }

  async stop(id: string): Promise<void> {
    await this.send('athena:StopQueryExecution', new StopQueryExecutionCommand({QueryExecutionId: id}))
  }

  private send<I extends ServiceInputTypes, O extends ServiceOutputTypes>(operation: string, command: Command<ServiceInputTypes, I, ServiceOutputTypes, O, AthenaClientResolvedConfig>): Promise<O> {
    return this.call(operation, () => this.clients.athena.send(command))
  }
}
