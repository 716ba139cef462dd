/// Results of concurrent `terraform plan` runs, by job index.
actor SummaryCollector {
    private(set) var results: [Int: Result<ResourceSummary, UnitFailure>] = [:]

    func set(_ index: Int, _ result: Result<ResourceSummary, UnitFailure>) { results[index] = result }
}
