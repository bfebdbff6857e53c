using CsCheck;
using EspProv.Security;
using EspProv.Tests.Support;
using EspProv.Thread;
using Xunit;

namespace EspProv.Tests.Thread;

public sealed class ThreadDatasetTests
{
    // OpenThread's documented demo network, as `ot-ctl dataset active -x` prints it.
    internal const string Demo =
        "0e080000000000010000000300000f35060004001fffe0020811111111222222220708fdad70bfe5aa15dd"
        + "051000112233445566778899aabbccddeeff030e4f70656e54687265616444656d6f010212340410445f2b5ca6f2a93a55ce570a70efeecb0c0402a0f7f8";

    [Fact]
    public void Reads_every_field_of_a_complete_dataset()
    {
        var dataset = ThreadDataset.Parse(Demo);

        Assert.Equal(15, dataset.Channel);
        Assert.Equal((ushort)0x1234, dataset.PanId);
        Assert.Equal("1111111122222222", Convert.ToHexStringLower(dataset.ExtendedPanId!.Value.Span));
        Assert.Equal("OpenThreadDemo", dataset.NetworkName);
        Assert.Equal("00112233445566778899aabbccddeeff", Convert.ToHexStringLower(dataset.NetworkKey!.Value.Span));
        Assert.Equal("fdad70bfe5aa15dd", Convert.ToHexStringLower(dataset.MeshLocalPrefix!.Value.Span));
        Assert.Equal("445f2b5ca6f2a93a55ce570a70efeecb", Convert.ToHexStringLower(dataset.Pskc!.Value.Span));
        Assert.Equal(new ThreadTimestamp(1), dataset.ActiveTimestamp);
        Assert.Equal(0x07fff800u, dataset.ChannelMask);
        Assert.Equal(new ThreadSecurityPolicy(672, [0xf7, 0xf8]), dataset.SecurityPolicy);
        Assert.True(dataset.IsCompleteActive);
        Assert.Empty(dataset.MissingActiveFields);
        Assert.Equal(Demo, dataset.ToHex());
    }

    [Fact]
    public void Parses_upper_case_and_surrounding_white_space()
    {
        Assert.Equal(Demo, ThreadDataset.Parse("  " + Demo.ToUpperInvariant() + "\n").ToHex());
    }

    [Fact]
    public void Names_what_espressifs_scan_pick_dataset_lacks()
    {
        // What Espressif's esp_prov builds from a scan pick: channel, ext PAN ID, network key, PAN ID only.
        var dataset = ThreadDataset.Parse("000300000f" + "02081111111122222222" + "051000112233445566778899aabbccddeeff" + "01021234");

        Assert.Equal(
            [ThreadDatasetField.ActiveTimestamp, ThreadDatasetField.ChannelMask, ThreadDatasetField.MeshLocalPrefix, ThreadDatasetField.NetworkName,
             ThreadDatasetField.Pskc, ThreadDatasetField.SecurityPolicy],
            dataset.MissingActiveFields);
        Assert.False(dataset.IsCompleteActive);
    }

    [Theory]
    [InlineData("0e08000000000001000000030000", 10, 0, "length 3 runs past the end (2 bytes left)")]
    [InlineData("01021234050f00112233445566778899aabbccddee", 4, 5, "length 15, expected 16")]
    [InlineData("0003000030", 0, 0, "channel 48 is not 11-26")]
    [InlineData("0003010010", 0, 0, "channel page 1 is not supported")]
    [InlineData("01021234" + "0311" + "4141414141414141414141414141414141", 4, 3, "length 17, expected 1-16")]
    [InlineData("3506000300001fffe0", 0, 53, "page 0 mask of 3 bytes, expected 4")]
    public void Refuses_a_malformed_tlv_with_offset_and_type(string hex, int offset, int type, string reason)
    {
        var error = Assert.Throws<ThreadDatasetFormatException>(() => ThreadDataset.Parse(hex));
        Assert.Equal(offset, error.Offset);
        Assert.Equal(type, error.TlvType);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0102123", 3, "odd number of hex digits")]
    [InlineData("01021z34", 2, "character 5 is not a hex digit")]
    public void Refuses_text_that_is_not_hex(string hex, int offset, string reason)
    {
        var error = Assert.Throws<ThreadDatasetFormatException>(() => ThreadDataset.Parse(hex));
        Assert.Equal(offset, error.Offset);
        Assert.Null(error.TlvType);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_a_length_past_the_end_naming_the_tlv()
    {
        var error = Assert.Throws<ThreadDatasetFormatException>(() => ThreadDataset.Parse("0102123405"));
        Assert.Equal(4, error.Offset);
        Assert.Equal(5, error.TlvType);
        Assert.Equal("Thread dataset: byte 4, Network Key (5): the TLV has no length byte", error.Message);
    }

    [Fact]
    public void Refuses_more_than_254_bytes()
    {
        var hex = string.Concat(Enumerable.Repeat("80" + "7e" + new string('0', 252), 2)); // two unknown TLVs of 2 + 126 bytes
        var error = Assert.Throws<ThreadDatasetFormatException>(() => ThreadDataset.Parse(hex));
        Assert.Null(error.TlvType);
        Assert.Contains("at most 254", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Keeps_unknown_tlvs_in_place()
    {
        var hex = "4a0300000f" + Demo; // a Wake-up Channel TLV (Thread 1.4) ahead of the rest
        var dataset = ThreadDataset.Parse(hex);
        dataset.PanId = 0xbeef;

        Assert.Equal(74, dataset.TlvTypes[0]);
        Assert.Equal(hex.Replace("01021234", "0102beef", StringComparison.Ordinal), dataset.ToHex());
    }

    [Fact]
    public void Writes_and_removes_fields()
    {
        var dataset = new ThreadDataset { Channel = 20, PanId = 0x00ab, NetworkName = "Home" };

        Assert.Equal("00030000140102" + "00ab" + "0304486f6d65", dataset.ToHex());
        Assert.True(dataset.Remove(ThreadDatasetField.PanId));
        Assert.False(dataset.Contains(ThreadDatasetField.PanId));
        dataset.NetworkName = null;
        Assert.Equal("0003000014", dataset.ToHex());
    }

    [Theory]
    [InlineData(10)]
    [InlineData(27)]
    public void Refuses_an_invalid_field_value(int channel)
    {
        var dataset = new ThreadDataset();
        var error = Assert.Throws<ArgumentException>(() => dataset.Channel = channel);
        Assert.Equal("Channel", error.ParamName);
        Assert.Throws<ArgumentException>(() => dataset.NetworkName = "seventeen bytes!!");
        Assert.Throws<ArgumentException>(() => dataset.NetworkKey = new byte[15]);
        Assert.Equal(0, dataset.Length);
    }

    [Fact]
    public void Derives_the_pskc_of_the_thread_specification_vector()
    {
        // Thread specification §8.4.1.2.2; also OpenThread tests/unit/test_pskc.cpp (TestExampleInSpec).
        var pskc = ThreadDataset.DerivePskc("12SECRETPASSWORD34", "Test Network", Convert.FromHexString("0001020304050607"));

        Assert.Equal("c3f59368445a1b6106be420a706d4cc9", Convert.ToHexStringLower(pskc));
    }

    [Fact]
    public void Builds_a_complete_dataset_from_parts_and_derives_the_pskc()
    {
        var dataset = ThreadDataset.CreateActive(new ThreadDatasetParts
        {
            Channel = 15,
            PanId = 0x0042,
            ExtendedPanId = Convert.FromHexString("0001020304050607"),
            NetworkName = "Test Network",
            NetworkKey = Convert.FromHexString("00112233445566778899aabbccddeeff"),
            MeshLocalPrefix = Convert.FromHexString("fd000db800a00000"),
            Passphrase = "12SECRETPASSWORD34",
        });

        Assert.True(dataset.IsCompleteActive);
        Assert.Equal("c3f59368445a1b6106be420a706d4cc9", Convert.ToHexStringLower(dataset.Pskc!.Value.Span));
        Assert.Equal("0e08000000000001000000030000" + "0f" + "35060004001fffe0" + "02080001020304050607" + "0708fd000db800a00000"
            + "051000112233445566778899aabbccddeeff" + "030c54657374204e6574776f726b" + "01020042" + "0410c3f59368445a1b6106be420a706d4cc9"
            + "0c0402a0f7f8", dataset.ToHex());
    }

    [Fact]
    public void Random_fields_come_from_the_injected_source()
    {
        var a = ThreadDataset.CreateActive(random: new CountingRandom());
        var b = ThreadDataset.CreateActive(random: new CountingRandom());
        var c = ThreadDataset.CreateActive();

        Assert.Equal(a.ToHex(), b.ToHex());
        Assert.NotEqual(a.ToHex(), c.ToHex());
        Assert.True(a.IsCompleteActive);
        Assert.InRange(a.Channel!.Value, 11, 26);
        Assert.Equal(0xfd, a.MeshLocalPrefix!.Value.Span[0]);
        Assert.Equal($"EspProv-{a.PanId:x4}", a.NetworkName);
    }

    [Fact]
    public void Refuses_both_a_pskc_and_a_passphrase()
    {
        Assert.Throws<ArgumentException>(() => ThreadDataset.CreateActive(new ThreadDatasetParts { Pskc = new byte[16], Passphrase = "123456" }));
        Assert.Throws<ArgumentException>(() => ThreadDataset.CreateActive(new ThreadDatasetParts { Passphrase = "12345" }));
    }

    [Fact]
    public void ToString_never_shows_the_network_key_or_the_pskc()
    {
        var dataset = ThreadDataset.Parse(Demo);
        var text = dataset.ToString();

        Assert.Contains("'OpenThreadDemo'", text, StringComparison.Ordinal);
        Assert.Contains("network key (set)", text, StringComparison.Ordinal);
        foreach (var form in SecretForms.OfBytes(dataset.NetworkKey!.Value.ToArray()).Concat(SecretForms.OfBytes(dataset.Pskc!.Value.ToArray())))
        {
            Assert.DoesNotContain(form, text, StringComparison.OrdinalIgnoreCase);
        }

        Assert.DoesNotContain("12SECRET", new ThreadDatasetParts { Passphrase = "12SECRETPASSWORD34" }.ToString() ?? string.Empty, StringComparison.Ordinal);
    }

    [Fact]
    public void Format_after_parse_gives_the_same_bytes()
    {
        var tlv = Gen.OneOf(
            Gen.Int[11, 26].Select(c => new byte[] { 0, 3, 0, 0, (byte)c }),
            Gen.Byte.Array[2].Select(v => new byte[] { 1, 2 }.Concat(v).ToArray()),
            Gen.Byte.Array[8].Select(v => new byte[] { 2, 8 }.Concat(v).ToArray()),
            Gen.Char['a', 'z'].Array[1, 16].Select(n => new byte[] { 3, (byte)n.Length }.Concat(n.Select(ch => (byte)ch)).ToArray()),
            Gen.Byte.Array[16].Select(v => new byte[] { 5, 16 }.Concat(v).ToArray()),
            Gen.Select(Gen.Byte[64, 250], Gen.Byte.Array[0, 12], (t, v) => new byte[] { t, (byte)v.Length }.Concat(v).ToArray()));
        tlv.Array[0, 8].Select(parts => parts.SelectMany(p => p).ToArray()).Sample(bytes =>
        {
            var hex = Convert.ToHexStringLower(bytes);
            var dataset = ThreadDataset.Parse(hex);
            Assert.Equal(hex, dataset.ToHex());
            Assert.Equal(hex, ThreadDataset.Parse(dataset.ToHex()).ToHex());
            Assert.Equal(hex, dataset.Clone().ToHex());
        });
    }

    [Fact]
    public void Arbitrary_bytes_parse_or_fail_with_an_offset_inside_the_input()
    {
        Gen.Byte.Array[0, 80].Sample(bytes =>
        {
            if (ThreadDataset.TryParse(Convert.ToHexString(bytes), out var dataset, out var error))
            {
                Assert.Equal(bytes, dataset.ToBytes());
            }
            else
            {
                Assert.InRange(error.Offset, 0, bytes.Length);
            }
        });
    }

    private sealed class CountingRandom : IRandomSource
    {
        private byte _next = 7;

        public void Fill(Span<byte> destination)
        {
            for (var i = 0; i < destination.Length; i++)
            {
                destination[i] = _next;
                _next = (byte)((_next * 31) + 17);
            }
        }
    }
}
