/// What units of a run have produced so far: their results and outputs.
actor RunBoard {
    private(set) var results: [UnitResult] = []
    private(set) var outputs: [String: [String: Value]] = [:]

    func add(_ result: UnitResult) { results.append(result) }
    func setOutputs(_ unit: String, _ values: [String: Value]) { outputs[unit] = values }
}
