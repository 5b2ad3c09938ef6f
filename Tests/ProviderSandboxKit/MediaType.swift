/// Content types guessed from a media URL's extension (inbound webhooks name them).
enum MediaType {
    static func guess(_ url: String) -> String {
        let path = url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
        let suffix = path.split(separator: ".").last.map { $0.lowercased() } ?? ""
        switch suffix {
        case "jpg", "jpeg": return "image/jpeg"
        case "png": return "image/png"
        case "gif": return "image/gif"
        case "bmp": return "image/bmp"
        case "mp4": return "video/mp4"
        case "3gp": return "video/3gpp"
        case "mp3": return "audio/mpeg"
        case "wav": return "audio/wav"
        case "vcf": return "text/vcard"
        case "pdf": return "application/pdf"
        default: return "image/jpeg"
        }
    }

    /// Vonage's attachment kind: image, audio, video, vcard or file.
    static func vonageKind(_ url: String) -> String {
        let type = guess(url)
        if type.hasPrefix("image/") { return "image" }
        if type.hasPrefix("audio/") { return "audio" }
        if type.hasPrefix("video/") { return "video" }
        if type == "text/vcard" { return "vcard" }
        return "file"
    }
}
