import {BaseCommand} from '../base-command'
import {LakeFormationAdapter} from '../aws/lakeformation'
import {resolveEndpoint} from '../aws/clients'
import {StsAdapter} from '../aws/sts'
import {runDoctor, type DoctorReport} from '../core/doctor/doctor'
import {describeExitCodes} from '../core/exit-codes'
import {renderDoctorReport} from '../output/doctor'

export default class Doctor extends BaseCommand<typeof Doctor> {
  static summary = 'Check that lakegov can reach AWS and govern the lake.'

  static description = `Reports who the caller is, the region and endpoint in use, whether the caller is a data lake administrator, whether new databases and tables are still governed by IAM (IAMAllowedPrincipals), and which S3 locations are registered and verified. Each check prints ok, warn or fail with a one-line fix. Changes nothing.

${describeExitCodes()}`

  static examples = ['<%= config.bin %> doctor', '<%= config.bin %> doctor --profile audit --region eu-west-1 --json']

  async run(): Promise<DoctorReport> {
    const lakeformation = new LakeFormationAdapter(this.aws)
    const report = await runDoctor(
      {identity: new StsAdapter(this.aws), settings: lakeformation, locations: lakeformation},
      {region: await this.aws.region(), endpoint: resolveEndpoint(this.aws.context, 'lakeformation') ?? 'AWS'},
    )
    if (!this.jsonEnabled()) this.log(renderDoctorReport(report))
    this.setExitCode(report.exitCode)
    return report
  }
}
