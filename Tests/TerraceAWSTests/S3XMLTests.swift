import Testing

@testable import TerraceAWS

@Suite struct S3XMLTests {
    @Test func findsElementsByExactName() {
        let xml = S3XML(
            text: """
                <ListBucketResult><KeyCount>2</KeyCount><Contents><Key>a&amp;b</Key><Size>3</Size></Contents>\
                <Contents><Key>c</Key><Size>4</Size><ETag>&quot;abc&quot;</ETag></Contents><IsTruncated>false</IsTruncated></ListBucketResult>
                """)
        #expect(xml.values("Key") == ["a&b", "c"])
        #expect(xml.value("KeyCount") == "2")
        #expect(xml.elements("Contents").count == 2)
        #expect(S3XML(text: xml.elements("Contents")[1]).value("ETag") == "\"abc\"")
        #expect(xml.value("Missing") == nil)
    }

    @Test func emptyAndAttributedElements() {
        let xml = S3XML(text: #"<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status/></VersioningConfiguration>"#)
        #expect(xml.value("Status") == "")
        #expect(xml.elements("VersioningConfiguration").count == 1)
    }

    @Test func escapeAndDecodeRoundTrip() {
        let text = #"a<b>&"c'"#
        #expect(S3XML.decodeEntities(S3XML.escape(text)) == text)
        #expect(S3XML.decodeEntities("x &unknown; y & z") == "x &unknown; y & z")
        #expect(S3XML.decodeEntities("&#x41;&#66;") == "AB")
    }
}
