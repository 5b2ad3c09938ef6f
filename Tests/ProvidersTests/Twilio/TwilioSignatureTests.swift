import Foundation
import Providers
import Testing

/// The worked examples of providers.md §2.4, computed there with twilio 9.13.0's RequestValidator.
@Suite struct TwilioSignatureTests {
    static let exampleBParams: FormParameters = [
        "ToCountry": "US", "ToState": "CA", "SmsMessageSid": "SM0123456789abcdef0123456789abcdef", "NumMedia": "0",
        "ToCity": "SAN FRANCISCO", "FromZip": "94105", "SmsSid": "SM0123456789abcdef0123456789abcdef",
        "FromState": "CA", "SmsStatus": "received", "FromCity": "SAN FRANCISCO", "Body": "Hello world!",
        "FromCountry": "US", "To": "+14155550100", "ToZip": "94105", "NumSegments": "1",
        "MessageSid": "SM0123456789abcdef0123456789abcdef", "AccountSid": "AC0123456789abcdef0123456789abcdef",
        "From": "+14155550199", "ApiVersion": "2010-04-01",
    ]

    static let exampleCParams: FormParameters = [
        "MessageSid": "SM1234567890abcdef1234567890abcdef", "MessageStatus": "delivered", "To": "+15558675310",
        "From": "+15017122661", "AccountSid": "AC1234567890abcdef1234567890abcdef", "ApiVersion": "2010-04-01",
        "SmsSid": "SM1234567890abcdef1234567890abcdef", "SmsStatus": "delivered",
    ]

    @Test func reproducesTwiliosDocumentedTestVector() {
        let params: FormParameters = [
            "CallSid": "CA1234567890ABCDE", "Caller": "+12349013030", "Digits": "1234", "From": "+12349013030",
            "To": "+18005551212",
        ]
        let signature = TwilioSignature.compute(
            url: "https://mycompany.com/myapp.php?foo=1&bar=2", params: params, authToken: "12345")
        #expect(signature == "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")
    }

    @Test func signsAnInboundSMSOverTheURLAndSortedParameters() {
        let url = "https://example.com/sms/inbound?tenant=acme"
        #expect(
            TwilioSignature.stringToSign(url: url, params: Self.exampleBParams)
                == "https://example.com/sms/inbound?tenant=acmeAccountSidAC0123456789abcdef0123456789abcdefApiVersion2010-04-01BodyHello world!From+14155550199FromCitySAN FRANCISCOFromCountryUSFromStateCAFromZip94105MessageSidSM0123456789abcdef0123456789abcdefNumMedia0NumSegments1SmsMessageSidSM0123456789abcdef0123456789abcdefSmsSidSM0123456789abcdef0123456789abcdefSmsStatusreceivedTo+14155550100ToCitySAN FRANCISCOToCountryUSToStateCAToZip94105"
        )
        #expect(
            TwilioSignature.compute(url: url, params: Self.exampleBParams, authToken: "12345")
                == "MkwIOdUn/5z8T8kdF/YtEW3TtDg=")
        #expect(
            TwilioSignature.validate(
                signature: "MkwIOdUn/5z8T8kdF/YtEW3TtDg=", url: url, params: Self.exampleBParams, authToken: "12345"))
    }

    @Test func acceptsTheSignatureWithOrWithoutTheDefaultPort() {
        let signature = "MkwIOdUn/5z8T8kdF/YtEW3TtDg="
        for url in ["https://example.com:443/sms/inbound?tenant=acme", "https://example.com/sms/inbound?tenant=acme"] {
            #expect(
                TwilioSignature.validate(
                    signature: signature, url: url, params: Self.exampleBParams, authToken: "12345"))
        }
    }

    @Test func acceptsASignatureMadeWithoutANonDefaultPort() {
        // WEBHOOK_PUBLIC_URL defaults to http://127.0.0.1:8082; the SDK also tries the URL with no port.
        let signed = TwilioSignature.compute(
            url: "http://127.0.0.1/webhooks/sms/twilio", params: ["A": "1"], authToken: "t")
        #expect(
            TwilioSignature.validate(
                signature: signed, url: "http://127.0.0.1:8082/webhooks/sms/twilio", params: ["A": "1"], authToken: "t")
        )
    }

    @Test func signsWithHMACSHA256WhenTheSignatureSettingsAskForIt() {
        let algorithm = TwilioSignature.Algorithm(signatureSettings: "key=KS0123,algorithm=HMAC_SHA256")
        #expect(algorithm == .hmacSHA256)
        #expect(TwilioSignature.Algorithm(signatureSettings: nil) == .hmacSHA1)
        #expect(TwilioSignature.Algorithm(signatureSettings: "key=KS0123") == .hmacSHA1)
        let signature = TwilioSignature.compute(
            url: "https://example.com/sms/inbound?tenant=acme", params: Self.exampleBParams, authToken: "12345",
            algorithm: algorithm)
        #expect(signature == "mkYfa99gbuzeH/ES9jgP+rDuxDM4TZtCy+dfD8gGgqo=")
    }

    @Test func signsAStatusCallback() {
        let url = "https://example.com/twilio/status"
        #expect(
            TwilioSignature.stringToSign(url: url, params: Self.exampleCParams)
                == "https://example.com/twilio/statusAccountSidAC1234567890abcdef1234567890abcdefApiVersion2010-04-01From+15017122661MessageSidSM1234567890abcdef1234567890abcdefMessageStatusdeliveredSmsSidSM1234567890abcdef1234567890abcdefSmsStatusdeliveredTo+15558675310"
        )
        #expect(
            TwilioSignature.compute(url: url, params: Self.exampleCParams, authToken: "12345")
                == "F7zjNmxhl9/fZET/NmzhQUfsCKU=")
    }

    @Test func checksAJSONBodyAgainstItsBodySHA256() {
        let body = Data(#"{"MessageSid":"SM123","MessageStatus":"delivered"}"#.utf8)
        let url =
            "https://example.com/hooks/status?bodySHA256=458597634cd82805792467af543ce1e6b98ee56a12d89f07e2202e7266f76084"
        #expect(TwilioSignature.compute(url: url, authToken: "12345") == "ElanHJ1DhixwrEqAbRaf2VsdcWo=")
        #expect(
            TwilioSignature.validate(
                signature: "ElanHJ1DhixwrEqAbRaf2VsdcWo=", url: url, jsonBody: body, authToken: "12345"))
        let tampered = Data(#"{"MessageSid":"SM123","MessageStatus":"failed"}"#.utf8)
        #expect(
            !TwilioSignature.validate(
                signature: "ElanHJ1DhixwrEqAbRaf2VsdcWo=", url: url, jsonBody: tampered, authToken: "12345"))
    }

    @Test func rejectsAWrongTokenATamperedParameterOrAnotherURL() {
        let url = "https://example.com/twilio/status"
        let signature = "F7zjNmxhl9/fZET/NmzhQUfsCKU="
        #expect(
            !TwilioSignature.validate(signature: signature, url: url, params: Self.exampleCParams, authToken: "54321"))
        var tampered = Self.exampleCParams
        tampered.append("ErrorCode", "30003")
        #expect(!TwilioSignature.validate(signature: signature, url: url, params: tampered, authToken: "12345"))
        #expect(
            !TwilioSignature.validate(
                signature: signature, url: url + "?x=1", params: Self.exampleCParams, authToken: "12345"))
    }

    @Test func validatesParametersDecodedFromTheRawFormBody() throws {
        let body = FormParameters.encode(Self.exampleCParams.pairs)
        let decoded = try FormParameters(formEncoded: body)
        #expect(
            TwilioSignature.validate(
                signature: "F7zjNmxhl9/fZET/NmzhQUfsCKU=", url: "https://example.com/twilio/status", params: decoded,
                authToken: "12345"))
    }

    @Test func sortsNamesByCodePointAndRepeatedValuesOnce() {
        let params = FormParameters([
            ("b", "1"), ("ToCity", "X"), ("To", "+1"), ("MediaUrl", "https://b"), ("MediaUrl", "https://a"),
            ("MediaUrl", "https://b"),
        ])
        #expect(
            TwilioSignature.stringToSign(url: "u", params: params) == "uMediaUrlhttps://aMediaUrlhttps://bTo+1ToCityXb1"
        )
    }
}
