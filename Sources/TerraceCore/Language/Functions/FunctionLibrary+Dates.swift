/// Terraform's date functions over RFC 3339 timestamps: `formatdate`, `timeadd` and `timecmp` (pure: they never read
/// the clock). Timestamps are parsed strictly as cty does (four-digit year, two-digit fields, `T`, a `Z` or `±hh:mm`
/// offset, an optional `.` fraction), with cty's messages for malformed ones.
extension FunctionLibrary {
    /// The date functions.
    static let dates: [FunctionDefinition] = [
        FunctionDefinition(
            "formatdate", [FunctionParameter("format", .string), FunctionParameter("time", .string)], returns: .string
        ) { args throws(FunctionError) in
            let format = try stringArgument(args, 0)
            let time = try timestampArgument(args, 1, name: "time")
            return .string(try formatDate(format, time))
        },
        FunctionDefinition(
            "timeadd", [FunctionParameter("timestamp", .string), FunctionParameter("duration", .string)],
            returns: .string
        ) { args throws(FunctionError) in
            let timestampText = try stringArgument(args, 0)
            let durationText = try stringArgument(args, 1)
            let time: Timestamp
            do throws(TimestampError) {
                time = try Timestamp(parsing: timestampText)
            } catch {
                throw FunctionError(error.message)
            }
            let duration: Int64
            do throws(TimestampError) {
                duration = try parseGoDuration(durationText)
            } catch {
                throw FunctionError(error.message)
            }
            return .string(time.adding(nanoseconds: duration).rfc3339)
        },
        FunctionDefinition(
            "timecmp", [FunctionParameter("timestamp_a", .string), FunctionParameter("timestamp_b", .string)],
            returns: .number
        ) { args throws(FunctionError) in
            let first = try timestampArgument(args, 0, name: "timestamp_a")
            let second = try timestampArgument(args, 1, name: "timestamp_b")
            let (a, b) = (first.instant, second.instant)
            if a == b { return .number(.zero) }
            return .number(Number(a < b ? -1 : 1))
        },
    ]

    private static func timestampArgument(_ args: [TypedValue], _ index: Int, name: String) throws(FunctionError)
        -> Timestamp
    {
        let text = try stringArgument(args, index)
        do throws(TimestampError) {
            return try Timestamp(parsing: text)
        } catch {
            throw argumentError(index, name, error.message)
        }
    }

    /// A malformed timestamp or duration, with cty's (or Go's) message.
    struct TimestampError: Error {
        var message: String
    }

    /// A moment with the UTC offset it was written in (Go's `time.Time` with a fixed zone).
    struct Timestamp {
        var year: Int
        var month: Int
        var day: Int
        var hour: Int
        var minute: Int
        var second: Int
        var nanosecond: Int
        /// The UTC offset in seconds.
        var offset: Int

        private static let monthNames = [
            "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
            "November", "December",
        ]
        private static let weekdayNames = [
            "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
        ]

        var monthName: String { Self.monthNames[month - 1] }
        var weekdayName: String {
            let days = Self.daysFromCivil(year, month, day)
            return Self.weekdayNames[Int(((days % 7) + 11) % 7)]  // 1970-01-01 was a Thursday
        }

        /// Seconds since the Unix epoch (UTC) and the nanoseconds.
        var instant: InstantKey {
            let days = Self.daysFromCivil(year, month, day)
            let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offset)
            return InstantKey(seconds: seconds, nanoseconds: nanosecond)
        }

        /// A comparable moment.
        struct InstantKey: Comparable {
            var seconds: Int64
            var nanoseconds: Int
            static func < (lhs: InstantKey, rhs: InstantKey) -> Bool {
                (lhs.seconds, lhs.nanoseconds) < (rhs.seconds, rhs.nanoseconds)
            }
        }

        init(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, nanosecond: Int, offset: Int) {
            self.year = year
            self.month = month
            self.day = day
            self.hour = hour
            self.minute = minute
            self.second = second
            self.nanosecond = nanosecond
            self.offset = offset
        }

        /// The moment `nanoseconds` later, in the same offset.
        func adding(nanoseconds: Int64) -> Timestamp {
            let start = instant
            var seconds = start.seconds + nanoseconds / 1_000_000_000
            var nanos = start.nanoseconds + Int(nanoseconds % 1_000_000_000)
            if nanos < 0 {
                nanos += 1_000_000_000
                seconds -= 1
            } else if nanos >= 1_000_000_000 {
                nanos -= 1_000_000_000
                seconds += 1
            }
            let local = seconds + Int64(offset)
            let (days, secondOfDay) = (Self.floorDivide(local, 86_400), Self.floorModulo(local, 86_400))
            let (year, month, day) = Self.civilFromDays(days)
            return Timestamp(
                year: year, month: month, day: day, hour: Int(secondOfDay / 3600), minute: Int(secondOfDay % 3600 / 60),
                second: Int(secondOfDay % 60), nanosecond: nanos, offset: offset)
        }

        /// Go's `Format(time.RFC3339)` (no fraction).
        var rfc3339: String {
            "\(Self.goYear(year))-\(Self.twoDigits(month))-\(Self.twoDigits(day))T\(Self.twoDigits(hour)):"
                + "\(Self.twoDigits(minute)):\(Self.twoDigits(second))\(zone(colon: true, zulu: true))"
        }

        /// The offset as Go's `Z07:00` (`zulu`) or `-07:00` / `-0700` layouts write it.
        func zone(colon: Bool, zulu: Bool) -> String {
            if zulu, offset == 0 { return "Z" }
            let sign = offset < 0 ? "-" : "+"
            let minutes = abs(offset) / 60
            return sign + Self.twoDigits(minutes / 60) + (colon ? ":" : "") + Self.twoDigits(minutes % 60)
        }

        static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

        /// Go's four-digit year (a sign for negative years, more digits past 9999).
        static func goYear(_ year: Int) -> String {
            let digits = String(abs(year))
            return (year < 0 ? "-" : "") + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
        }

        private static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }
        private static func floorModulo(_ a: Int64, _ b: Int64) -> Int64 { a - floorDivide(a, b) * b }

        /// Days since 1970-01-01 of a proleptic Gregorian date.
        static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int64 {
            let y = Int64(month <= 2 ? year - 1 : year)
            let era = floorDivide(y, 400)
            let yearOfEra = y - era * 400
            let m = Int64(month)
            let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
            let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
            return era * 146_097 + dayOfEra - 719_468
        }

        /// The proleptic Gregorian date of a day since 1970-01-01.
        static func civilFromDays(_ days: Int64) -> (Int, Int, Int) {
            let z = days + 719_468
            let era = floorDivide(z, 146_097)
            let dayOfEra = z - era * 146_097
            let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
            let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
            let mp = (5 * dayOfYear + 2) / 153
            let day = dayOfYear - (153 * mp + 2) / 5 + 1
            let month = mp < 10 ? mp + 3 : mp - 9
            let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
            return (Int(year), Int(month), Int(day))
        }

        static func daysIn(_ month: Int, _ year: Int) -> Int {
            switch month {
            case 2: (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
            case 4, 6, 9, 11: 30
            default: 31
            }
        }

        /// Parses an RFC 3339 timestamp as cty's `parseTimestamp` does.
        init(parsing text: String) throws(TimestampError) {
            if let strict = Self.strict(Array(text.utf8)) {
                self = strict
                return
            }
            throw TimestampError(message: Self.failureMessage(text))
        }

        /// cty's `parseRFC3339`: nil unless the text is a valid timestamp.
        private static func strict(_ s: [UInt8]) -> Timestamp? {
            guard s.count >= 19 else { return nil }
            func number(_ range: Range<Int>, _ low: Int, _ high: Int) -> Int? {
                var value = 0
                for byte in s[range] {
                    guard byte >= 0x30, byte <= 0x39 else { return nil }
                    value = value * 10 + Int(byte - 0x30)
                }
                return (low...high).contains(value) ? value : nil
            }
            guard let year = number(0..<4, 0, 9999), let month = number(5..<7, 1, 12),
                let day = number(8..<10, 1, daysIn(month, year)), let hour = number(11..<13, 0, 23),
                let minute = number(14..<16, 0, 59), let second = number(17..<19, 0, 59),
                s[4] == UInt8(ascii: "-"), s[7] == UInt8(ascii: "-"), s[10] == UInt8(ascii: "T"),
                s[13] == UInt8(ascii: ":"), s[16] == UInt8(ascii: ":")
            else { return nil }
            var rest = s[19...]
            var nanosecond = 0
            if rest.count >= 2, rest.first == UInt8(ascii: "."), isDigit(rest, 1) {
                var digits = 1
                while isDigit(rest, digits) { digits += 1 }
                nanosecond = fraction(rest.prefix(digits))
                rest = rest.dropFirst(digits)
            }
            var offset = 0
            if !(rest.count == 1 && rest.first == UInt8(ascii: "Z")) {
                guard rest.count == 6 else { return nil }
                let base = rest.startIndex
                guard let hours = number((base + 1)..<(base + 3), 0, 23),
                    let minutes = number((base + 4)..<(base + 6), 0, 59),
                    rest[base] == UInt8(ascii: "+") || rest[base] == UInt8(ascii: "-"),
                    rest[base + 3] == UInt8(ascii: ":")
                else { return nil }
                offset = (hours * 60 + minutes) * 60 * (rest[base] == UInt8(ascii: "-") ? -1 : 1)
            }
            return Timestamp(
                year: year, month: month, day: day, hour: hour, minute: minute, second: second,
                nanosecond: nanosecond, offset: offset)
        }

        private static func isDigit(_ bytes: ArraySlice<UInt8>, _ offset: Int) -> Bool {
            let index = bytes.startIndex + offset
            return index < bytes.endIndex && bytes[index] >= 0x30 && bytes[index] <= 0x39
        }

        /// Go's `parseNanoseconds` of ".ddd…" (at most nine digits count).
        private static func fraction(_ bytes: ArraySlice<UInt8>) -> Int {
            var value = 0
            var count = 0
            for byte in bytes.dropFirst().prefix(9) {
                value = value * 10 + Int(byte - 0x30)
                count += 1
            }
            for _ in count..<9 { value *= 10 }
            return value
        }

        /// A failed `time.Parse(time.RFC3339, …)` step: the layout element, the value left, and a message.
        private struct GoParseError {
            var layoutElement: String
            var valueElement: String
            var message: String = ""
        }

        /// The message cty gives for a timestamp its strict parser rejects.
        private static func failureMessage(_ text: String) -> String {
            let bytes = Array(text.utf8)
            let error = goParseError(bytes) ?? strictOnlyError(bytes)
            if error.layoutElement.isEmpty, error.valueElement.isEmpty, !error.message.isEmpty {
                return "not a valid RFC3339 timestamp\(error.message)"
            }
            let what: String
            switch error.layoutElement {
            case "2006": what = "year"
            case "01": what = "month"
            case "02": what = "day of month"
            case "15": what = "hour"
            case "04": what = "minute"
            case "05": what = "second"
            case "Z07:00": what = "UTC offset"
            case "T": return "not a valid RFC3339 timestamp: missing required time introducer 'T'"
            case ":", "-":
                if error.valueElement.isEmpty {
                    return "not a valid RFC3339 timestamp: end of string where \"\(error.layoutElement)\" is expected"
                }
                return "not a valid RFC3339 timestamp: found \(GoQuote.quote(error.valueElement)) where "
                    + "\"\(error.layoutElement)\" is expected"
            default: what = "timestamp segment"
            }
            if error.valueElement.isEmpty { return "not a valid RFC3339 timestamp: end of string before \(what)" }
            if what == "hour", error.valueElement.contains(":") {
                return "not a valid RFC3339 timestamp: hour must be between 0 and 23 inclusive"
            }
            if what == "hour", error.valueElement.utf8.count != 2 {
                return "not a valid RFC3339 timestamp: hour must have exactly two digits"
            }
            if what == "minute", error.valueElement.utf8.count != 2 {
                return "not a valid RFC3339 timestamp: minute must have exactly two digits"
            }
            return "not a valid RFC3339 timestamp: cannot use \(GoQuote.quote(error.valueElement)) as \(what)"
        }

        /// Go's `time.Parse` with the RFC 3339 layout: the error it reports, or nil when it accepts the text.
        private static func goParseError(_ input: [UInt8]) -> GoParseError? {
            var value = input[...]
            func text(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }
            func isDigitAt(_ offset: Int) -> Bool { isDigit(value, offset) }
            /// Go's `getnum`: one or two digits (exactly two when `fixed`).
            func number(fixed: Bool) -> Int? {
                guard isDigitAt(0) else { return nil }
                let first = Int(value[value.startIndex] - 0x30)
                guard isDigitAt(1) else {
                    if fixed { return nil }
                    value = value.dropFirst()
                    return first
                }
                let result = first * 10 + Int(value[value.startIndex + 1] - 0x30)
                value = value.dropFirst(2)
                return result
            }
            func literal(_ expected: UInt8) -> GoParseError? {
                guard value.first == expected else {
                    return GoParseError(layoutElement: String(UnicodeScalar(expected)), valueElement: text(value))
                }
                value = value.dropFirst()
                return nil
            }
            // Year.
            guard value.count >= 4, isDigitAt(0), let year = Int(text(value.prefix(4))) else {
                return GoParseError(layoutElement: "2006", valueElement: text(value))
            }
            value = value.dropFirst(4)
            if let error = literal(UInt8(ascii: "-")) { return error }
            // Month, day, hour, minute, second, each with its range check.
            let fields: [(layout: String, fixed: Bool, range: ClosedRange<Int>, name: String, separator: UInt8?)] = [
                ("01", true, 1...12, "month", UInt8(ascii: "-")),
                ("02", true, 0...31, "day", UInt8(ascii: "T")),
                ("15", false, 0...23, "hour", UInt8(ascii: ":")),
                ("04", true, 0...59, "minute", UInt8(ascii: ":")),
                ("05", true, 0...59, "second", nil),
            ]
            var month = 1
            var day = 1
            for field in fields {
                let hold = value
                guard let parsed = number(fixed: field.fixed) else {
                    return GoParseError(layoutElement: field.layout, valueElement: text(hold))
                }
                guard field.range.contains(parsed) else {
                    return GoParseError(
                        layoutElement: field.layout, valueElement: text(value), message: ": \(field.name) out of range")
                }
                if field.layout == "01" { month = parsed }
                if field.layout == "02" { day = parsed }
                if let separator = field.separator, let error = literal(separator) { return error }
            }
            // A fraction after the seconds, with `.` or `,`.
            if value.count >= 2, value.first == UInt8(ascii: ".") || value.first == UInt8(ascii: ","), isDigitAt(1) {
                var digits = 2
                while isDigitAt(digits) { digits += 1 }
                value = value.dropFirst(digits)
            }
            // The zone.
            let hold = value
            if value.first == UInt8(ascii: "Z") {
                value = value.dropFirst()
            } else {
                let zoneBad = GoParseError(layoutElement: "Z07:00", valueElement: text(hold))
                guard value.count >= 6, value[value.startIndex + 3] == UInt8(ascii: ":") else { return zoneBad }
                let sign = value[value.startIndex]
                let hoursText = value[(value.startIndex + 1)..<(value.startIndex + 3)]
                let minutesText = value[(value.startIndex + 4)..<(value.startIndex + 6)]
                value = value.dropFirst(6)
                guard hoursText.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                    minutesText.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                    let hours = Int(text(hoursText)), let minutes = Int(text(minutesText))
                else { return zoneBad }
                if minutes > 60 {
                    return GoParseError(
                        layoutElement: "Z07:00", valueElement: text(value),
                        message: ": time zone offset minute out of range")
                }
                if hours > 24 {
                    return GoParseError(
                        layoutElement: "Z07:00", valueElement: text(value),
                        message: ": time zone offset hour out of range")
                }
                guard sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else { return zoneBad }
            }
            if !value.isEmpty {
                return GoParseError(
                    layoutElement: "", valueElement: text(value), message: ": extra text: \(GoQuote.quote(text(value)))"
                )
            }
            if day < 1 || day > daysIn(month, year) {
                return GoParseError(layoutElement: "", valueElement: "", message: ": day out of range")
            }
            return nil
        }

        /// cty's `parseStrictRFC3339` errors for text that Go's `time.Parse` accepts but RFC 3339 does not.
        private static func strictOnlyError(_ s: [UInt8]) -> GoParseError {
            func text(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }
            if s.count > 12, s[12] == UInt8(ascii: ":") {
                return GoParseError(layoutElement: "15", valueElement: text(s[11..<12]))
            }
            if s.count > 19, s[19] == UInt8(ascii: ",") {
                return GoParseError(layoutElement: ".", valueElement: ",")
            }
            if let last = s.last, last != UInt8(ascii: "Z"), s.count >= 6 {
                let hours = Int(text(s[(s.count - 5)..<(s.count - 3)])) ?? 0
                let minutes = Int(text(s[(s.count - 2)...])) ?? 0
                if hours >= 24 || minutes >= 60 {
                    return GoParseError(layoutElement: "Z07:00", valueElement: text(s[(s.count - 6)...]))
                }
            }
            return GoParseError(layoutElement: "2006-01-02T15:04:05Z07:00", valueElement: text(s[...]))
        }
    }

    /// cty's `formatdate`.
    private static func formatDate(_ format: String, _ time: Timestamp) throws(FunctionError) -> String {
        let bytes = Array(format.utf8)
        var output: [UInt8] = []
        func isLetter(_ byte: UInt8) -> Bool { (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) }
        func invalid(_ token: String, _ detail: String) -> FunctionError {
            argumentError(0, "format", "invalid date format verb \(GoQuote.quote(token))\(detail)")
        }
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "'") {
                // A quoted literal, split as cty's scanner does: '' alone is a quote, '' inside is a quote, and an
                // unclosed literal runs to the end.
                let quote = UInt8(ascii: "'")
                var end = bytes.count
                if index + 1 < bytes.count, bytes[index + 1] == quote {
                    end = index + 2
                } else {
                    var scan = index + 1
                    while scan < bytes.count {
                        if bytes[scan] == quote {
                            if scan + 1 == bytes.count { break }
                            if bytes[scan + 1] == quote {
                                scan += 2
                                continue
                            }
                            end = scan + 1
                            break
                        }
                        scan += 1
                    }
                }
                let token = bytes[index..<end]
                index = end
                guard token.count > 1, token.last == quote else {
                    throw argumentError(0, "format", "unterminated literal '")
                }
                if token.count == 2 {
                    output.append(quote)
                    continue
                }
                let raw = Array(token.dropFirst().dropLast())
                var position = 0
                while position < raw.count {
                    output.append(raw[position])
                    position += raw[position] == quote ? 2 : 1
                }
                continue
            }
            guard isLetter(byte) else {
                output.append(byte)
                index += 1
                continue
            }
            var end = index + 1
            while end < bytes.count, bytes[end] == byte { end += 1 }
            let count = end - index
            let token = String(decoding: bytes[index..<end], as: UTF8.self)
            index = end
            let text: String
            switch UnicodeScalar(byte) {
            case "Y":
                switch count {
                case 2: text = Timestamp.twoDigits(time.year % 100)
                case 4: text = Timestamp.goYear(time.year)
                default: throw invalid(token, ": year must either be \"YY\" or \"YYYY\"")
                }
            case "M":
                switch count {
                case 1: text = String(time.month)
                case 2: text = Timestamp.twoDigits(time.month)
                case 3: text = String(time.monthName.prefix(3))
                case 4: text = time.monthName
                default: throw invalid(token, ": month must be \"M\", \"MM\", \"MMM\", or \"MMMM\"")
                }
            case "D":
                switch count {
                case 1: text = String(time.day)
                case 2: text = Timestamp.twoDigits(time.day)
                default: throw invalid(token, ": day of month must either be \"D\" or \"DD\"")
                }
            case "E":
                switch count {
                case 3: text = String(time.weekdayName.prefix(3))
                case 4: text = time.weekdayName
                default: throw invalid(token, ": day of week must either be \"EEE\" or \"EEEE\"")
                }
            case "h":
                switch count {
                case 1: text = String(time.hour)
                case 2: text = Timestamp.twoDigits(time.hour)
                default: throw invalid(token, ": 24-hour must either be \"h\" or \"hh\"")
                }
            case "H":
                let hour = time.hour % 12 == 0 ? 12 : time.hour % 12
                switch count {
                case 1: text = String(hour)
                case 2: text = Timestamp.twoDigits(hour)
                default: throw invalid(token, ": 12-hour must either be \"H\" or \"HH\"")
                }
            case "A", "a":
                let letter = String(UnicodeScalar(byte))
                guard count == 2 else { throw invalid(token, ": must be \"\(letter)\(letter)\"") }
                let marker = time.hour < 12 ? "AM" : "PM"
                text = byte == UInt8(ascii: "A") ? marker : marker.lowercased()
            case "m":
                switch count {
                case 1: text = String(time.minute)
                case 2: text = Timestamp.twoDigits(time.minute)
                default: throw invalid(token, ": minute must either be \"m\" or \"mm\"")
                }
            case "s":
                switch count {
                case 1: text = String(time.second)
                case 2: text = Timestamp.twoDigits(time.second)
                default: throw invalid(token, ": second must either be \"s\" or \"ss\"")
                }
            case "Z":
                switch count {
                case 1: text = time.zone(colon: true, zulu: true)
                case 3:
                    let zone = time.zone(colon: false, zulu: false)
                    text = zone == "+0000" ? "UTC" : zone
                case 4: text = time.zone(colon: false, zulu: false)
                case 5: text = time.zone(colon: true, zulu: false)
                default: throw invalid(token, ": timezone must be Z, ZZZZ, or ZZZZZ")
                }
            default:
                throw invalid(token, "")
            }
            output += Array(text.utf8)
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Go's `time.ParseDuration`, in nanoseconds.
    static func parseGoDuration(_ original: String) throws(TimestampError) -> Int64 {
        let invalid = TimestampError(message: "time: invalid duration \(GoQuote.quote(original))")
        var s = Array(original.utf8)[...]
        var negative = false
        if let first = s.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            s = s.dropFirst()
        }
        if s.elementsEqual("0".utf8) { return 0 }
        if s.isEmpty { throw invalid }
        let units: [String: UInt64] = [
            "ns": 1, "us": 1_000, "\u{B5}s": 1_000, "\u{3BC}s": 1_000, "ms": 1_000_000, "s": 1_000_000_000,
            "m": 60_000_000_000, "h": 3_600_000_000_000,
        ]
        let limit: UInt64 = 1 << 63
        var total: UInt64 = 0
        func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
        while !s.isEmpty {
            guard s.first == UInt8(ascii: ".") || isDigit(s.first ?? 0) else { throw invalid }
            // The whole part.
            var whole: UInt64 = 0
            let beforeWhole = s.count
            while let byte = s.first, isDigit(byte) {
                guard whole <= (limit - 1) / 10 else { throw invalid }
                whole = whole * 10 + UInt64(byte - 0x30)
                guard whole <= limit else { throw invalid }
                s = s.dropFirst()
            }
            let hasWhole = beforeWhole != s.count
            // The fraction.
            var fraction: UInt64 = 0
            var scale: Double = 1
            var hasFraction = false
            if s.first == UInt8(ascii: ".") {
                s = s.dropFirst()
                let beforeFraction = s.count
                var overflow = false
                while let byte = s.first, isDigit(byte) {
                    if !overflow {
                        if fraction > (limit - 1) / 10 {
                            overflow = true
                        } else {
                            let next = fraction * 10 + UInt64(byte - 0x30)
                            if next > limit - 1 {
                                overflow = true
                            } else {
                                fraction = next
                                scale *= 10
                            }
                        }
                    }
                    s = s.dropFirst()
                }
                hasFraction = beforeFraction != s.count
            }
            guard hasWhole || hasFraction else { throw invalid }
            // The unit.
            var unitLength = 0
            for byte in s {
                if byte == UInt8(ascii: ".") || isDigit(byte) { break }
                unitLength += 1
            }
            guard unitLength > 0 else {
                throw TimestampError(message: "time: missing unit in duration \(GoQuote.quote(original))")
            }
            let unitText = String(decoding: s.prefix(unitLength), as: UTF8.self)
            s = s.dropFirst(unitLength)
            guard let unit = units[unitText] else {
                throw TimestampError(
                    message: "time: unknown unit \(GoQuote.quote(unitText)) in duration \(GoQuote.quote(original))")
            }
            guard whole <= limit / unit else { throw invalid }
            whole *= unit
            if fraction > 0 {
                whole += UInt64(Double(fraction) * (Double(unit) / scale))
                guard whole <= limit else { throw invalid }
            }
            total += whole
            guard total <= limit else { throw invalid }
        }
        if negative { return total == limit ? Int64.min : -Int64(total) }
        guard total <= limit - 1 else { throw invalid }
        return Int64(total)
    }
}
