extension S3Client {
    /// The object at `key`, or nil when there is none (GetObject).
    public func getObject(bucket: String, key: String) async throws(AWSError) -> S3Object? {
        do {
            let response = try await send("GetObject", method: "GET", bucket: bucket, key: key)
            return S3Object(body: response.body, eTag: response.headers["etag"], versionId: response.headers["x-amz-version-id"])
        } catch where error.code == .notFound && error.serviceCode != "NoSuchBucket" {
            return nil
        }
    }

    /// Writes `body` at `key` (PutObject); returns the new entity tag when S3 sent one.
    /// - Parameters:
    ///   - contentType: the object's `Content-Type`.
    ///   - ifNoneMatch: `*` writes only when no object is at `key` yet (a conditional write).
    /// - Throws: ``AWSError`` `preconditionFailed` when `ifNoneMatch` is `*` and the object exists.
    @discardableResult
    public func putObject(
        bucket: String, key: String, body: [UInt8], contentType: String = "application/octet-stream",
        ifNoneMatch: String? = nil
    ) async throws(AWSError) -> String? {
        var headers = ["content-type": contentType]
        if let ifNoneMatch { headers["if-none-match"] = ifNoneMatch }
        let response = try await send("PutObject", method: "PUT", bucket: bucket, key: key, headers: headers, body: body)
        return response.headers["etag"]
    }

    /// Deletes the object at `key` (DeleteObject); deleting a missing object succeeds.
    public func deleteObject(bucket: String, key: String) async throws(AWSError) {
        _ = try await send("DeleteObject", method: "DELETE", bucket: bucket, key: key)
    }

    /// Every object whose key starts with `prefix`, in key order (ListObjectsV2, all pages).
    public func listObjects(bucket: String, prefix: String = "") async throws(AWSError) -> [S3ObjectSummary] {
        var objects: [S3ObjectSummary] = []
        var token: String?
        repeat {
            var query = ["list-type": "2"]
            if !prefix.isEmpty { query["prefix"] = prefix }
            if let token { query["continuation-token"] = token }
            let response = try await send("ListObjectsV2", method: "GET", bucket: bucket, query: query)
            let xml = S3XML(response.body)
            for contents in xml.elements("Contents") {
                let entry = S3XML(text: contents)
                guard let key = entry.value("Key") else {
                    throw AWSError(.invalidResponse, "S3 ListObjectsV2 on s3://\(bucket) answered an entry without a key")
                }
                objects.append(S3ObjectSummary(key: key, size: entry.value("Size").flatMap { Int($0) } ?? 0, eTag: entry.value("ETag")))
            }
            if xml.value("IsTruncated") == "true" {
                guard let next = xml.value("NextContinuationToken"), !next.isEmpty, next != token else {
                    throw AWSError(
                        .invalidResponse, "S3 ListObjectsV2 on s3://\(bucket) answered a truncated page without a continuation token")
                }
                token = next
            } else {
                token = nil
            }
        } while token != nil
        return objects
    }
}
