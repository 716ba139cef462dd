import Testing
import HummingbirdTesting
@Test func placeholderCompiles() {}
