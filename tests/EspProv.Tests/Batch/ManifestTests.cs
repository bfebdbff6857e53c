using CsCheck;
using EspProv.Cli.Batch;

namespace EspProv.Tests.Batch;

public sealed class ManifestTests
{
    private static readonly byte[] Salt = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];

    [Fact]
    public void Csv_WithQuotedFields_KeepsCommasQuotesLineBreaksAndSpaces()
    {
        var m = Manifest.Parse("name,address,passphrase,ssid\r\ndev1,127.0.0.1:9000,\"a,b \"\"c\"\"\nd\", my net \r\n\r\ndev2,127.0.0.1:9001,,\n");
        Assert.True(m.IsValid, string.Join("\n", m.Errors));
        Assert.Equal(2, m.Entries.Count);
        Assert.Equal("a,b \"c\"\nd", m.Entries[0].Passphrase);
        Assert.Equal(" my net ", m.Entries[0].Ssid);
        Assert.Equal(2, m.Entries[0].Line);
        Assert.Null(m.Entries[1].Passphrase);
        Assert.Equal(5, m.Entries[1].Line);
    }

    [Fact]
    public void Csv_WithManyBadRows_ReportsEveryErrorWithItsLine()
    {
        var m = Manifest.Parse(string.Join('\n',
            "name,transport,address,sec_ver,pop",
            "ok1,softap,127.0.0.1:9000,1,x",
            "noaddr,softap,,1,x",
            "badsec,httpd,127.0.0.1:9002,3,x",
            "ok1,softap,127.0.0.1:9003,,x",
            "ble,ble,127.0.0.1:9004,0,",
            ",softap,127.0.0.1:9005,0,",
            "short,softap"));
        Assert.False(m.IsValid);
        Assert.Empty(m.Entries);
        var lines = m.Errors.Select(e => e.Line).ToArray();
        Assert.Equal([3, 4, 5, 6, 7, 8], lines);
        Assert.Contains("'address'", m.Errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("security version", m.Errors[1].Message, StringComparison.Ordinal);
        Assert.Contains("duplicate name 'ok1' (first on line 2)", m.Errors[2].Message, StringComparison.Ordinal);
        Assert.Contains("transport 'ble'", m.Errors[3].Message, StringComparison.Ordinal);
        Assert.Contains("'name'", m.Errors[4].Message, StringComparison.Ordinal);
        Assert.StartsWith("line 8: ", m.Errors[5].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Csv_WithUnknownOrMissingColumns_ReportsTheHeaderLine()
    {
        var m = Manifest.Parse("name,adress,colour\ndev1,127.0.0.1,red\n");
        Assert.Equal(3, m.Errors.Count);
        Assert.All(m.Errors, e => Assert.Equal(1, e.Line));
        Assert.Contains(m.Errors, e => e.Message.Contains("unknown column 'adress'", StringComparison.Ordinal));
        Assert.Contains(m.Errors, e => e.Message.Contains("missing required column 'address'", StringComparison.Ordinal));
    }

    [Fact]
    public void Csv_WithBadQuoting_ReportsIt()
    {
        Assert.Contains(Manifest.Parse("name,address\n\"dev1,127.0.0.1\n").Errors, e => e.Message.Contains("unterminated", StringComparison.Ordinal));
        Assert.Contains(Manifest.Parse("name,address\nde\"v1,127.0.0.1\n").Errors, e => e.Line == 2);
    }

    [Fact]
    public void Empty_IsAnError()
    {
        Assert.False(Manifest.Parse("name,address\n").IsValid);
        Assert.False(Manifest.Parse(string.Empty).IsValid);
    }

    [Fact]
    public void JsonLines_AcceptsTheSameFields_AndReportsUnknownFieldsAndBadLines()
    {
        var good = Manifest.Parse("{\"name\":\"dev1\",\"address\":\"127.0.0.1:9000\",\"sec_ver\":2,\"sec2_username\":\"u\",\"sec2_pwd\":\"p\"}\n\n{\"name\":\"dev2\",\"address\":\"127.0.0.1:9001\",\"sec_ver\":\"0\"}\n");
        Assert.True(good.IsValid, string.Join("\n", good.Errors));
        Assert.Equal(2, good.Entries[0].SecVer);
        Assert.Equal(0, good.Entries[1].SecVer);
        Assert.Equal(3, good.Entries[1].Line);

        var bad = Manifest.Parse("{\"name\":\"dev1\",\"address\":\"127.0.0.1\",\"colour\":\"red\"}\n{\"name\":\"dev2\",\"passphrase\":\"Secret-9x\"\n[1]\n{\"name\":\"dev3\",\"address\":\"127.0.0.1\",\"sec_ver\":7}", ManifestFormat.JsonLines);
        Assert.Equal([1, 2, 3, 4], bad.Errors.Select(e => e.Line).ToArray());
        Assert.DoesNotContain(bad.Errors, e => e.Message.Contains("Secret-9x", StringComparison.Ordinal));
    }

    [Fact]
    public void ToString_ShowsNoSecret()
    {
        var entry = Manifest.Parse("name,address,pop,sec2_pwd,passphrase\ndev1,127.0.0.1,Pop-1q2w,Pwd-3e4r,Pass-5t6y\n").Entries[0];
        var text = entry.ToString();
        Assert.Contains("dev1", text, StringComparison.Ordinal);
        foreach (var secret in new[] { "Pop-1q2w", "Pwd-3e4r", "Pass-5t6y" })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Fingerprint_IgnoresSyntaxAndOrder_ButNotValues()
    {
        var csv = Manifest.Parse("address,name,passphrase\r\n127.0.0.1:9001,b,\"p2\"\r\n127.0.0.1:9000,a,p1\r\n");
        var jsonl = Manifest.Parse("{\"name\":\"a\",\"address\":\"127.0.0.1:9000\",\"passphrase\":\"p1\"}\n{\"name\":\"b\",\"address\":\"127.0.0.1:9001\",\"passphrase\":\"p2\"}\n");
        var changed = Manifest.Parse("name,address,passphrase\na,127.0.0.1:9000,p1\nb,127.0.0.1:9001,p3\n");
        var fp = csv.Fingerprint(Salt);
        Assert.Equal(64, fp.Length);
        Assert.Equal(fp, jsonl.Fingerprint(Salt));
        Assert.NotEqual(fp, changed.Fingerprint(Salt));
        Assert.NotEqual(fp, csv.Fingerprint(new byte[16]));
    }

    [Fact]
    public void Csv_QuotedValues_RoundTrip()
    {
        // Any value written with RFC 4180 quoting reads back exactly.
        Gen.OneOf(Gen.Char[' ', '~'], Gen.Const('"'), Gen.Const(','), Gen.Const('\n'), Gen.Const('\r')).Array[0, 20].Select(c => new string(c))
            .Sample(value =>
            {
                var text = $"name,address,passphrase\ndev1,127.0.0.1,\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"\n";
                var m = Manifest.Parse(text);
                return m.IsValid && (m.Entries[0].Passphrase ?? string.Empty) == value;
            }, iter: 500);
    }
}
